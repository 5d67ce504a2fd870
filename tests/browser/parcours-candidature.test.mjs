// From an application to the admission: the secretary records an application for the EHPAD,
// studies it and plans the first interview with the cadre (it shows on the cadre's home page
// under « Mes prochains rendez-vous »), accepts it, creates the file from it (duplicate check)
// and moves the person into a unit with the existing stay form. Every page is scanned by
// axe-core and must fit in 360 px.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, logout, navigate,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

describe('parcours-candidature', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  test('candidature, entretien chez la cadre, acceptation, dossier, admission en unité', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    const mobileAs = async (username, path) => {
      const mobile = await newPage(suite.browser, suite.server, { viewport: MOBILE });
      await login(mobile, username);
      await mobile.goto(path);
      return mobile;
    };
    const jour = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

    // The secretary records the application.
    await login(page, 'secretariat');
    await navigate(page, 'Candidatures');
    await page.getByRole('heading', { name: 'Liste d\'attente consolidée' }).waitFor();
    assert.match(await page.locator('#places').innerText(), /Unité de vie protégée/);
    await scan(t, page, 'liste d\'attente');
    await page.getByRole('link', { name: 'Enregistrer une candidature' }).click();
    await page.getByLabel('EHPAD Les Tilleuls').check();
    await page.getByLabel('Nom de naissance').fill('Vallotton');
    await page.getByLabel('Prénoms').fill('Zéphyrine');
    await page.getByLabel('Date de naissance').fill('1936-02-29');
    await page.getByLabel('Origine').selectOption('via_trajectoire');
    await page.getByLabel('N° de décision ou de demande').fill('VT-2026-4242');
    await page.getByLabel('Priorité').selectOption('urgente');
    await scan(t, page, 'nouvelle candidature');
    await submit(page, page.getByRole('button', { name: 'Enregistrer la candidature' }));
    await page.getByRole('heading', { name: 'Candidature de Zéphyrine VALLOTTON' }).waitFor();
    assert.equal(await page.locator('#statut').innerText(), 'Reçue');
    const adresse = new URL(page.url()).pathname;

    // Studied, then the interview planned with the cadre.
    const statut = page.locator('form[action$="/statut"]');
    await statut.getByLabel('Nouveau statut').selectOption('a_l_etude');
    await submit(page, statut.getByRole('button', { name: 'Enregistrer le statut' }));
    assert.equal(await page.locator('#statut').innerText(), 'À l\'étude');
    const entretien = page.locator('form[action$="/entretien"]');
    const cadre = await entretien.locator('select[name=utilisateur_id] option', { hasText: 'Claire Cadet' }).getAttribute('value');
    await entretien.getByLabel('Professionnel').selectOption(cadre);
    await entretien.getByLabel('Lieu').fill('Bureau des admissions');
    await scan(t, page, 'candidature à l\'étude');
    await submit(page, entretien.getByRole('button', { name: 'Planifier l\'entretien' }));
    assert.equal(await page.locator('#statut').innerText(), 'Entretien planifié');
    assert.match(await page.locator('#rendez-vous').innerText(), /Claire Cadet, Bureau des admissions/);
    const m1 = await mobileAs('secretariat', adresse);
    await t.test('360 px : candidature', () => checkNoHorizontalOverflow(m1, 'candidature'));
    const m2 = await mobileAs('secretariat', '/candidatures');
    await t.test('360 px : liste d\'attente', () => checkNoHorizontalOverflow(m2, 'liste d\'attente'));
    await logout(page);

    // The cadre sees it on her home page.
    await login(page, 'cadre');
    const rdv = page.locator('#mes-rendez-vous');
    await rdv.waitFor();
    assert.match(await rdv.innerText(), /Entretien de préadmission — Zéphyrine VALLOTTON/);
    await scan(t, page, 'accueil avec les rendez-vous');
    const m3 = await mobileAs('cadre', '/');
    await t.test('360 px : accueil de la cadre', () => checkNoHorizontalOverflow(m3, 'accueil'));
    await logout(page);

    // The secretary accepts it and creates the file (entry yesterday).
    await login(page, 'secretariat');
    await page.goto(adresse);
    await statut.getByLabel('Nouveau statut').selectOption('acceptee');
    await submit(page, statut.getByRole('button', { name: 'Enregistrer le statut' }));
    assert.equal(await page.locator('#statut').innerText(), 'Acceptée');
    const dossier = page.locator('form[action$="/dossier"]');
    await dossier.getByLabel('Date d\'entrée').fill(jour(-1));
    await submit(page, dossier.getByRole('button', { name: 'Créer le dossier' }));
    await page.getByRole('heading', { name: /Parcours/ }).waitFor();
    assert.match(page.url(), /\/usagers\/\d+\/sejours$/);
    assert.match(await page.locator('tbody tr').first().innerText(), /EHPAD Les Tilleuls[\s\S]*en cours/);

    // Into the permanent unit, with the existing stay form (a transfer keeps the path).
    const transfert = page.locator('form[action$="/transfert"]').first();
    await transfert.getByLabel('Date du transfert').fill(jour(0));
    const unite = await transfert.locator('select[name=unite_id] option', { hasText: 'Hébergement permanent' }).getAttribute('value');
    await transfert.locator('select[name=unite_id]').selectOption(unite);
    await submit(page, transfert.getByRole('button', { name: 'Transférer' }));
    assert.match(await page.locator('tbody tr').first().innerText(), /Hébergement permanent[\s\S]*en cours/);
    await scan(t, page, 'séjours après l\'admission');

    // The application points to the file.
    await page.goto(adresse);
    await page.getByRole('link', { name: 'Ouvrir le dossier' }).waitFor();
    await scan(t, page, 'candidature acceptée');
  });
});
