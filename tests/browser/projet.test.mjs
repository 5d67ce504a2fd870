// Personalised project journey: the cadre, referent of Hélène DUPONT, sees her project's
// review announced on the home page, opens the Projet tab, adds an objective linked to a
// SERAFIN-PH need, records the person's signature, validates the new version and reads the
// differences with the previous one; at 360 px too. Every page is scanned by axe-core.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

/** Submits the form containing `button` and waits for the next page. */
describe('projet', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  test('cadre : construire, signer et valider un projet personnalisé', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    await login(page, 'cadre');
    // The review of her referee's project is due: announced on the home page.
    const alerts = page.getByRole('region', { name: 'Projets personnalisés à revoir' });
    await alerts.getByRole('link', { name: /Hélène MARTIN/ }).first().waitFor();
    await scan(t, page, 'accueil avec révision de projet');
    await Promise.all([
      page.waitForURL('**/projet?projet=*'),
      alerts.getByRole('link', { name: /Hélène MARTIN/ }).first().click(),
    ]);
    const fileUrl = new URL(page.url()).pathname.replace(/\/projet$/, '');
    await page.getByRole('heading', { name: "Projet personnalisé d'accompagnement (PPA)" }).waitFor();
    await page.getByText('Validée').first().waitFor();
    await scan(t, page, 'projet personnalisé');

    // A new objective linked to the need « Besoins pour la mobilité » (ANS 1.2.1.3).
    const build = page.getByRole('region', { name: 'Construire le projet' });
    await build.getByLabel('Objectif', { exact: true }).fill('Descendre seule à la salle à manger');
    await build.getByLabel('Besoin ou prestation SERAFIN-PH').selectOption('1.2.1.3');
    await build.getByLabel('Statut').selectOption('en_cours');
    await submit(page, build.getByRole('button', { name: "Ajouter l'objectif" }));
    await page.getByRole('heading', { name: 'Descendre seule à la salle à manger' }).waitFor();
    await page.getByText('1.2.1.3 — Besoins pour la mobilité').first().waitFor();
    await page.getByText('Brouillon').first().waitFor();

    // The person signs the draft (recorded by the cadre), then the cadre validates it.
    await page.getByText(/Enregistrer une signature sur la version/).click();
    await page.getByLabel('Signataire').fill('Hélène Martin');
    await page.getByLabel('Qualité').first().selectOption('personne');
    await page.getByLabel('Signature', { exact: true }).selectOption('signe');
    await submit(page, page.getByRole('button', { name: 'Enregistrer la signature' }));
    await page.getByText(/Hélène Martin \(La personne accompagnée\) : A signé/).waitFor();
    await submit(page, page.getByRole('button', { name: /Valider la version/ }));
    await page.getByText('Validée').first().waitFor();
    assert.equal(await page.getByRole('button', { name: /Valider la version/ }).count(), 0);
    await scan(t, page, 'projet validé');

    // The differences between the two versions name the new objective and its need.
    const history = page.getByRole('region', { name: 'Versions' });
    await submit(page, history.getByRole('button', { name: 'Voir les différences' }));
    const diff = page.getByRole('table');
    await diff.getByText(/Descendre seule à la salle à manger/).first().waitFor();
    await diff.getByText(/1\.2\.1\.3 Besoins pour la mobilité/).first().waitFor();
    await scan(t, page, 'différences entre versions');
    assert.deepEqual(page.jsErrors, []);

    // 360 px: the tab and the diff do not scroll sideways.
    const small = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(small, 'cadre');
    await small.goto(`${fileUrl}/projet`);
    await checkNoHorizontalOverflow(small, 'projet personnalisé');
    await small.goto(new URL(page.url()).pathname + new URL(page.url()).search);
    await checkNoHorizontalOverflow(small, 'différences entre versions');
  });
});
