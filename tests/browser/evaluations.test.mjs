// Evaluations journey: the cadre of the EHPAD opens Hélène DUPONT's *Évaluations* tab, fills
// an AGGIR grid by its adverbs and sees the GIR, validates it, sends a Braden grid with an
// answer missing at 360 px by the keyboard (refused in place, then recorded), and reads the
// GMP of the EHPAD by month. Every page is scanned by axe-core and must fit in 360 px.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, heading,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

describe('évaluations', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  test('cadre : grille AGGIR remplie par les adverbes, GIR affiché, GMP', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    await login(page, 'cadre');
    await page.goto('/usagers/1/evaluations');
    await page.getByRole('heading', { name: 'Évaluations', level: 2 }).waitFor();
    await scan(t, page, 'évaluations d\'un usager');

    const aggir = page.locator('section', { has: page.getByRole('heading', { name: /Nouvelle évaluation : Grille AGGIR/ }) });
    await aggir.getByText('Remplir la grille').click();
    // Every adverb satisfied except those of cohérence and orientation (both C): group B of
    // the algorithm reaches 2700 ≥ 2016, rank 4, GIR 2.
    const boxes = aggir.locator('input[type=checkbox][name^="q:"]');
    const n = await boxes.count();
    assert.equal(n, 17 * 4);
    for (let i = 0; i < n; i++) {
      const b = boxes.nth(i);
      const name = await b.getAttribute('name');
      if (!/^q:(coherence|orientation)\./.test(name)) await b.check();
    }
    await aggir.getByLabel(/Valider dès l'enregistrement/).check();
    await aggir.getByLabel("Date de l'évaluation").fill('2026-06-01');
    await submit(page, aggir.getByRole('button', { name: 'Enregistrer et calculer' }));
    const row = page.locator('tr', { hasText: '01/06/2026' });
    await row.first().waitFor();
    assert.match(await row.first().innerText(), /GIR 2/);
    assert.match(await row.first().innerText(), /Validée par cadre/);
    await scan(t, page, 'évaluation enregistrée');

    const mobile = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(mobile, 'cadre');
    await mobile.goto('/usagers/1/evaluations');
    await t.test('360 px : évaluations', () => checkNoHorizontalOverflow(mobile, 'évaluations'));

    // 360 px, keyboard only: a Braden grid sent with an answer missing is refused in place
    // (the summary focused, the message by the question, the answers kept), then recorded.
    const braden = mobile.locator('section', { has: mobile.getByRole('heading', { name: /Échelle de Braden/ }) });
    const remplir = braden.getByText('Remplir la grille');
    await remplir.focus();
    await mobile.keyboard.press('Enter');
    for (const [label, valeur] of [['Perception sensorielle', '3'], ['Humidité', '2'], ['Activité', '4'], ['Mobilité', '3'], ['Nutrition', '2']]) {
      await braden.getByLabel(label).focus();
      await braden.getByLabel(label).selectOption(valeur);
    }
    await braden.getByLabel('Commentaire').focus();
    await mobile.keyboard.type('Vu au lever');
    await braden.getByRole('button', { name: 'Enregistrer et calculer' }).focus();
    await Promise.all([mobile.waitForNavigation({ waitUntil: 'load' }), mobile.keyboard.press('Enter')]);
    assert.equal(await mobile.evaluate(() => document.activeElement?.id), 'erreurs-resume');
    assert.match(await mobile.locator('#braden-friction-err').innerText(), /Réponse manquante/);
    assert.equal(await mobile.locator('#braden-friction').getAttribute('aria-describedby'), 'braden-friction-err');
    assert.equal(await braden.getByLabel('Activité').inputValue(), '4');
    assert.equal(await braden.getByLabel('Commentaire').inputValue(), 'Vu au lever');
    assert.doesNotMatch(await mobile.locator('main').innerText(), /Code :/);
    await t.test('360 px : évaluation refusée sur place', () => checkNoHorizontalOverflow(mobile, 'évaluation refusée sur place'));
    await scan(t, mobile, 'évaluation refusée sur place');
    await braden.getByLabel('Friction et cisaillement').focus();
    await braden.getByLabel('Friction et cisaillement').selectOption('2');
    await braden.getByRole('button', { name: 'Enregistrer et calculer' }).focus();
    await Promise.all([mobile.waitForNavigation({ waitUntil: 'load' }), mobile.keyboard.press('Enter')]);
    await mobile.getByText("L'évaluation a été enregistrée comme brouillon").waitFor();

    await page.goto('/etablissements/1/gmp');
    assert.match(await heading(page), /GMP|GIR moyen/);
    await page.getByRole('heading', { name: /GIR moyen pondéré/ }).waitFor();
    await scan(t, page, 'GMP de l\'établissement');
    await mobile.goto('/etablissements/1/gmp');
    await t.test('360 px : GMP', () => checkNoHorizontalOverflow(mobile, 'GMP'));
  });
});
