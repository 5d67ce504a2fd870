// Transmissions journey (issue 17): an aide-soignant writes a targeted transmission in the
// Accompagnement tab of a file, on a 360 px screen; a colleague (the infirmière) finds it in
// her relève, unread, marks it read, and finds it again by a French full-text search.
// Every page is scanned by axe-core and must fit in 360 px.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, logout, navigate, heading,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

/** Submits the form containing `button` and waits for the next page. */
describe('transmissions', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
    await t.test(`360 px : ${label}`, known(`360 px : ${label}`), () => checkNoHorizontalOverflow(page, label));
  }

  test('une transmission ciblée écrite par une aide-soignante, lue dans la relève de sa collègue', async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    const unique = `Retrouvée assise près du lit à ${Date.now() % 100000} secondes, sans douleur.`;

    await login(page, 'aide-soignant');
    await page.goto('/usagers/1/section/accompagnement');
    await page.getByRole('heading', { name: 'Écrire une transmission' }).waitFor();
    await scan(t, page, 'onglet accompagnement');
    await page.getByLabel('Partie du dossier').selectOption('soins');
    await page.getByLabel('Catégorie').selectOption('incident');
    await page.getByLabel('Cible').fill('Chute');
    await page.getByLabel('Données').fill(unique);
    await page.getByLabel('Actions').fill('Relevée à deux, constantes prises, infirmière prévenue.');
    await page.getByLabel('Transmission importante').check();
    await submit(page, page.getByRole('button', { name: 'Enregistrer la transmission' }));
    await page.getByText(unique).first().waitFor();
    await scan(t, page, 'onglet accompagnement après écriture');
    await logout(page);

    await login(page, 'infirmier');
    await navigate(page, 'Relève');
    assert.equal(await heading(page), 'Relève');
    const item = page.locator('.releve-item', { hasText: unique });
    await item.waitFor();
    await item.getByText('Non lue').waitFor();
    await scan(t, page, 'relève');

    // Unread only, then marked read: it leaves the unread list.
    await page.getByLabel('Non lues seulement').check();
    await submit(page, page.getByRole('button', { name: 'Afficher' }));
    await page.locator('.releve-item', { hasText: unique }).waitFor();
    await submit(page, page.locator('.releve-item', { hasText: unique }).getByRole('button', { name: /Marquer comme lue/ }));
    assert.equal(await page.locator('.releve-item', { hasText: unique }).count(), 0);

    // French search: plural and no accent find « Chute » / « Retrouvée ».
    await page.getByLabel('Rechercher dans les transmissions').fill('chutes retrouvee');
    await page.getByLabel('Non lues seulement').uncheck();
    await submit(page, page.getByRole('button', { name: 'Afficher' }));
    await page.locator('.releve-item', { hasText: unique }).waitFor();
    await scan(t, page, 'recherche dans la relève');
  });
});
