// The person's path: the secretary transfers Hélène DUPONT from the protected unit to the
// permanent one (the path keeps both stays), the aide-soignant marks a day's presences of the
// protected unit (everyone present by default, one absence with its reason, saved at once),
// the secretary reads the monthly statement and downloads the spreadsheet and the CSV, then
// records a discharge. Every page is scanned by axe-core and must fit in 360 px.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, logout, navigate,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

describe('parcours', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  test('transfert, présences du jour, état mensuel téléchargé, sortie', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    // A 360 px page of its own for each account (a logged-in page never shows the login form).
    const mobileAs = async (username, path) => {
      const mobile = await newPage(suite.browser, suite.server, { viewport: MOBILE });
      await login(mobile, username);
      await mobile.goto(path);
      return mobile;
    };

    // The secretary: Hélène's path, then a transfer into the permanent unit.
    await login(page, 'secretariat');
    await page.goto('/usagers/1/sejours');
    await page.getByRole('heading', { name: /Parcours/ }).waitFor();
    await scan(t, page, 'séjours d\'un usager');
    const transfert = page.locator('form[action$="/transfert"]').first();
    const permanent = await transfert.locator('select[name=unite_id] option', { hasText: 'Hébergement permanent' }).getAttribute('value');
    await transfert.locator('select[name=unite_id]').selectOption(permanent);
    await submit(page, transfert.getByRole('button', { name: 'Transférer' }));
    const rows = page.locator('tbody tr');
    assert.ok(await rows.count() >= 2, 'the transfer keeps the previous stay');
    assert.match(await rows.nth(0).innerText(), /Hébergement permanent[\s\S]*en cours/);
    assert.match(await rows.nth(1).innerText(), /Unité de vie protégée[\s\S]*\(Transfert\)/);
    await scan(t, page, 'séjours après un transfert');
    const m1 = await mobileAs('secretariat', '/usagers/1/sejours');
    await t.test('360 px : séjours', () => checkNoHorizontalOverflow(m1, 'séjours'));
    await logout(page);

    // The aide-soignant marks today's presences of the protected unit.
    await login(page, 'aide-soignant');
    await navigate(page, 'Présences');
    const uvp = await page.locator('#p-unite option', { hasText: 'protégée' }).getAttribute('value');
    await page.goto(`/presences?etablissement_id=1&unite_id=${uvp}`);
    const selects = page.locator('select[name^="absence_"]');
    assert.ok(await selects.count() >= 10, 'the unit is near capacity');
    assert.equal(await selects.first().inputValue(), '', 'everyone present by default');
    await scan(t, page, 'présences du jour');
    await selects.first().selectOption('hospitalisation');
    await page.locator('input[name^="commentaire_"]').first().fill('Urgences de Lyon Sud');
    await submit(page, page.getByRole('button', { name: 'Enregistrer les présences' }));
    await page.getByText('Les présences sont enregistrées.').waitFor();
    assert.equal(await page.locator('select[name^="absence_"]').first().inputValue(), 'hospitalisation');
    assert.match(await page.getByRole('heading', { level: 2 }).first().innerText(), /1 absente/);
    await scan(t, page, 'présences enregistrées');
    const m2 = await mobileAs('aide-soignant', `/presences?etablissement_id=1&unite_id=${uvp}`);
    await t.test('360 px : présences', () => checkNoHorizontalOverflow(m2, 'présences'));
    await logout(page);

    // The secretary: the monthly statement, its spreadsheet and CSV.
    await login(page, 'secretariat');
    await page.goto('/presences/etat?etablissement_id=1');
    await page.getByRole('heading', { name: /Par financeur/ }).waitFor();
    assert.match(await page.locator('table').first().innerText(), /Aide sociale/);
    await scan(t, page, 'état mensuel des présences');
    const xlsx = await page.request.get(await page.getByRole('link', { name: /tableur/ }).getAttribute('href'));
    assert.equal(xlsx.status(), 200);
    assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
    const bytes = await xlsx.body();
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an XLSX is a zip');
    const csv = await page.request.get(await page.getByRole('link', { name: /CSV/ }).getAttribute('href'));
    const text = await csv.text();
    assert.match(text, /Total établissement;\d+ séjour\(s\)/);
    assert.match(text, /Absence : Hospitalisation/);
    const m3 = await mobileAs('secretariat', '/presences/etat?etablissement_id=1');
    await t.test('360 px : état mensuel', () => checkNoHorizontalOverflow(m3, 'état mensuel'));

    // A discharge home.
    await page.goto('/usagers/1/sejours');
    const sortie = page.locator('form[action$="/sortie"]').first();
    // Two days ahead: the stay opened by the transfer today, the exit must follow it.
    const apres = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await sortie.getByLabel('Date de sortie').fill(apres);
    await sortie.getByLabel('Mode de sortie').selectOption('retour_domicile');
    await sortie.getByLabel('Destination').fill('Domicile de son fils');
    await submit(page, sortie.getByRole('button', { name: 'Enregistrer la sortie' }));
    assert.match(await page.locator('tbody tr').first().innerText(), /Retour à domicile : Domicile de son fils/);
    await scan(t, page, 'séjours après une sortie');
  });
});
