// Evaluations journey: the cadre of the EHPAD opens Hélène DUPONT's *Évaluations* tab, fills
// an AGGIR grid by its adverbs and sees the GIR, validates it, records a Braden grid at 360 px
// by the keyboard whose validation, made meanwhile elsewhere, is refused in place, and reads
// the GMP of the EHPAD by month. Every page is scanned by axe-core and must fit in 360 px.

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

    // 360 px, keyboard only: a Braden grid recorded as a draft, then validated meanwhile from
    // another screen: its validation from this page, now stale, is refused in place (409) on
    // its row, the summary focused, never the error page.
    const braden = mobile.locator('section', { has: mobile.getByRole('heading', { name: /Échelle de Braden/ }) });
    await braden.getByText('Remplir la grille').focus();
    await mobile.keyboard.press('Enter');
    for (const [label, valeur] of [['Perception sensorielle', '3'], ['Humidité', '2'], ['Activité', '4'], ['Mobilité', '3'], ['Nutrition', '2'], ['Friction et cisaillement', '2']]) {
      await braden.getByLabel(label).focus();
      await braden.getByLabel(label).selectOption(valeur);
    }
    await braden.getByLabel('Commentaire').focus();
    await mobile.keyboard.type('Vu au lever');
    await braden.getByRole('button', { name: 'Enregistrer et calculer' }).focus();
    await Promise.all([mobile.waitForNavigation({ waitUntil: 'load' }), mobile.keyboard.press('Enter')]);
    await mobile.getByText("L'évaluation a été enregistrée comme brouillon").waitFor();
    const ligne = new URL(mobile.url()).hash;
    assert.match(ligne, /^#evaluation-\d+$/);
    await page.goto('/usagers/1/evaluations');
    await submit(page, page.locator(`${ligne} button`, { hasText: 'Valider' }));
    await mobile.locator(`${ligne} button`, { hasText: 'Valider' }).focus();
    await Promise.all([mobile.waitForNavigation({ waitUntil: 'load' }), mobile.keyboard.press('Enter')]);
    assert.equal(await mobile.evaluate(() => document.activeElement?.id), 'erreurs-resume');
    assert.match(await mobile.locator(`${ligne} #erreurs-resume`).innerText(), /\S/);
    assert.match(await mobile.locator(ligne).innerText(), /Validée/);
    assert.doesNotMatch(await mobile.locator('main').innerText(), /Code :/);
    await t.test('360 px : validation refusée sur place', () => checkNoHorizontalOverflow(mobile, 'validation refusée sur place'));
    await scan(t, mobile, 'validation refusée sur place');

    await page.goto('/etablissements/1/gmp');
    assert.match(await heading(page), /GMP|GIR moyen/);
    await page.getByRole('heading', { name: /GIR moyen pondéré/ }).waitFor();
    await scan(t, page, 'GMP de l\'établissement');
    await mobile.goto('/etablissements/1/gmp');
    await t.test('360 px : GMP', () => checkNoHorizontalOverflow(mobile, 'GMP'));
  });
});
