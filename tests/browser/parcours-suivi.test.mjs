// Benefits, measures and discharge follow-up: the secretary's home page names Hélène
// DUPONT's APA to renew and an overdue measure review, the *Droits et mesures* tab shows
// them; the director discharges a MECS child with a follow-up given to the educator, who
// finds her tasks on her home page and marks one done with a note. Every page is scanned by
// axe-core and must fit in 360 px.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, logout,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

describe('parcours-suivi', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  test('droit à renouveler, mesure à réviser, sortie et suivi fait', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    const mobileAs = async (username, path) => {
      const mobile = await newPage(suite.browser, suite.server, { viewport: MOBILE });
      await login(mobile, username);
      await mobile.goto(path);
      return mobile;
    };

    // The secretary's home page: the APA to renew, the measure to review.
    await login(page, 'secretariat');
    await page.goto('/');
    const droits = page.getByRole('region', { name: 'Droits à renouveler' });
    await droits.waitFor();
    assert.match(await droits.innerText(), /Hélène MARTIN[\s\S]*APA[\s\S]*jusqu'au/);
    assert.match(await page.getByRole('region', { name: /à réviser/ }).innerText(), /révision en retard/);
    await scan(t, page, 'accueil avec les droits à renouveler');
    const m1 = await mobileAs('secretariat', '/');
    await t.test('360 px : accueil du secrétariat', () => checkNoHorizontalOverflow(m1, 'accueil'));

    // The tab of the file: the APA marked, its renewal form.
    await droits.getByRole('link', { name: 'Hélène MARTIN' }).click();
    await page.getByRole('heading', { name: 'Droits et prestations sociales' }).waitFor();
    assert.match(await page.locator('table').first().innerText(), /APA[\s\S]*à renouveler/);
    await scan(t, page, 'droits et mesures');
    const m2 = await mobileAs('secretariat', page.url());
    await t.test('360 px : droits et mesures', () => checkNoHorizontalOverflow(m2, 'droits et mesures'));
    await logout(page);

    // The director discharges a MECS child, the follow-up given to the educator.
    await login(page, 'direction');
    await page.goto('/usagers?etablissement=3');
    const liens = await page.locator('a[href^="/usagers/"]').evaluateAll(
      (as) => as.map((a) => a.getAttribute('href')).filter((h) => /^\/usagers\/\d+$/.test(h)));
    let sortie = null;
    for (const href of liens) {
      await page.goto(`${href}/sejours`);
      const f = page.locator('form[action$="/sortie"]').first();
      if (await f.count()) { sortie = f; break; }
    }
    assert.ok(sortie, 'a MECS child with a running stay');
    await sortie.getByLabel('Mode de sortie').selectOption('fin_mesure');
    await sortie.getByLabel('Destination').fill('Retour chez son père');
    await sortie.getByLabel(/Suivi après la sortie confié à/).selectOption({ label: 'Élodie Éluard' });
    await submit(page, sortie.getByRole('button', { name: 'Enregistrer la sortie' }));
    const suivis = page.getByRole('region', { name: 'Suivi après la sortie' });
    assert.match(await suivis.innerText(), /nouvelles à 3 mois[\s\S]*Élodie Éluard[\s\S]*nouvelles à 6 mois/);
    await page.locator('#dossier-clos').waitFor();
    await scan(t, page, 'séjours après une sortie avec suivi');
    await logout(page);

    // The educator: her follow-ups on her home page, one done with its note.
    await login(page, 'educateur');
    await page.goto('/');
    const afaire = page.getByRole('region', { name: 'Suivis à faire' });
    await afaire.waitFor();
    assert.match(await afaire.innerText(), /en retard/, 'the demo child left four months ago');
    await scan(t, page, 'accueil avec les suivis à faire');
    const m3 = await mobileAs('educateur', '/');
    await t.test('360 px : accueil de l\'éducatrice', () => checkNoHorizontalOverflow(m3, 'accueil'));
    await afaire.getByRole('link').first().click();
    const item = page.locator('.liste-suivis li').filter({ has: page.locator('details') }).first();
    await item.locator('summary').click();
    await item.getByLabel('Note du suivi').fill('Appel à la mère : la scolarité a repris.');
    await submit(page, item.getByRole('button', { name: 'Enregistrer le suivi' }));
    assert.match(await page.locator('.liste-suivis').innerText(), /fait le[\s\S]*la scolarité a repris/);
    await scan(t, page, 'suivi fait');
    const m4 = await mobileAs('educateur', page.url());
    await t.test('360 px : séjours et suivis', () => checkNoHorizontalOverflow(m4, 'suivis'));
  });
});
