// Daily care as a nurse: the morning worksheet of the EHPAD (half validated by the care
// aide in the demo) where two acts are validated at once, yesterday evening's medication
// round where one dose is given and one refused with its reason, then a temperature beyond
// its threshold recorded in Hélène DUPONT's file, whose alert shows at once. Every page is
// scanned by axe-core and must fit in 360 px.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, navigate,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

/** `AAAA-MM-JJ` of a day in Paris, `decalage` days from today. */
function jourParis(decalage = 0) {
  const d = new Date(Date.now() + decalage * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(d);
}

describe('soins infirmier', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  test('feuille de soins, tour de médicaments, constante en alerte', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    const mobile = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(page, 'infirmier');
    await login(mobile, 'infirmier');

    // The worksheet: the menu, then this morning's shift of the EHPAD.
    await navigate(page, 'Soins');
    await page.getByRole('heading', { level: 1, name: /Feuille de soins/ }).waitFor();
    const feuille = `/soins/feuille?etablissement_id=1&jour=${jourParis()}&poste=matin`;
    await page.goto(feuille);
    const titre = page.getByRole('heading', { level: 2, name: /acte\(s\) prévu\(s\)/ });
    const avant = Number((await titre.innerText()).match(/(\d+) validé/)[1]);
    assert.ok(avant > 0, 'the care aide validated half of the morning');
    assert.ok(await page.locator('text=Fait').count() > 0);
    await scan(t, page, 'feuille de soins');
    const faits = page.locator('input[type=radio][value=fait]');
    assert.ok(await faits.count() >= 2, 'acts are left to validate');
    await faits.nth(0).check();
    await page.locator('input[type=radio][value=non_fait]').nth(1).check();
    await page.locator('input[name^="motif_"]').nth(1).fill('Personne endormie, reporté');
    await submit(page, page.getByRole('button', { name: 'Enregistrer les actes' }));
    await page.getByText('Les actes sont enregistrés.').waitFor();
    const apres = Number((await page.getByRole('heading', { level: 2, name: /acte\(s\) prévu\(s\)/ }).innerText()).match(/(\d+) validé/)[1]);
    assert.equal(apres, avant + 2, 'two acts validated at once');
    assert.ok(await page.getByText('Personne endormie, reporté').count() >= 1);
    await scan(t, page, 'feuille de soins enregistrée');
    await mobile.goto(feuille);
    await t.test('360 px : feuille de soins', () => checkNoHorizontalOverflow(mobile, 'feuille de soins'));

    // Yesterday evening's round: one dose given, one refused with its reason.
    const tour = `/soins/tour?etablissement_id=1&jour=${jourParis(-1)}&heure=20:00`;
    await page.goto(tour);
    await page.getByRole('heading', { level: 1, name: /Tour de médicaments/ }).waitFor();
    const donne = page.locator('input[type=radio][value=donne]');
    assert.ok(await donne.count() >= 2, 'doses are due at 20:00');
    await scan(t, page, 'tour de médicaments');
    await donne.nth(0).check();
    await page.locator('input[type=radio][value=refuse]').nth(1).check();
    await page.locator('input[name^="motif_"]').nth(1).fill('Refuse de prendre le comprimé');
    await submit(page, page.getByRole('button', { name: 'Enregistrer le tour' }));
    await page.getByText('Les prises sont enregistrées.').waitFor();
    assert.ok(await page.locator('.badge', { hasText: 'Donné' }).count() >= 1);
    assert.ok(await page.locator('.badge', { hasText: 'Refusé' }).count() >= 1);
    assert.ok(await page.getByText('Refuse de prendre le comprimé').count() >= 1);
    await scan(t, page, 'tour de médicaments enregistré');
    await mobile.goto(tour);
    await t.test('360 px : tour de médicaments', () => checkNoHorizontalOverflow(mobile, 'tour'));

    // A temperature beyond the threshold in Hélène DUPONT's file: the alert shows at once.
    await page.goto('/usagers/1/soins/constantes');
    await page.getByRole('heading', { name: 'Courbe' }).waitFor();
    await scan(t, page, 'constantes');
    const form = page.locator('form[action$="/soins/constantes"]');
    await page.getByText('Enregistrer une mesure').click();
    await form.locator('select[name=type_mesure]').selectOption('temperature');
    await form.locator('input[name=valeur]').fill('39,2');
    await submit(page, form.getByRole('button', { name: 'Enregistrer la mesure' }));
    const alerte = page.locator('#alertes-constantes');
    await alerte.waitFor();
    assert.match(await alerte.innerText(), /39,2 °C \(au-dessus du seuil haut\)/);
    assert.match(await page.locator('svg.graphique desc').textContent(), /au-delà des seuils/);
    await scan(t, page, 'constantes en alerte');
    // The worksheet of the shift running now shows it too.
    await page.goto('/soins/feuille?etablissement_id=1');
    assert.match(await page.locator('#alertes-unite').innerText(), /39,2 °C/);
    await mobile.goto('/usagers/1/soins/constantes');
    await t.test('360 px : constantes', () => checkNoHorizontalOverflow(mobile, 'constantes'));
  });
});
