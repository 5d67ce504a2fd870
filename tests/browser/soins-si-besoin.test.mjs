// « Si besoin » medicines on the medication round and vital-sign alerts in the file header
// (issues 12 and 16): a nurse gives a painkiller « si besoin » from today's round until its
// maximum per 24 hours is reached — each dose confirmed, then « Maximum atteint » — and a
// dose given from a round read before is refused in place, on its line, the focus on the
// summary. A temperature beyond its threshold then shows in the file's header. Every page
// is scanned by axe-core and must fit in 360 px.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, checkA11y, checkNoHorizontalOverflow, MOBILE, demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

describe('soins « si besoin » et alertes de constantes', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  test('si besoin jusqu\'au maximum, refus en place, alerte de constante dans l\'en-tête', { timeout: 180_000 }, async (t) => {
    const page = await newPage(suite.browser, suite.server);
    const avant = await newPage(suite.browser, suite.server);
    const mobile = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(page, 'infirmier');
    await login(avant, 'infirmier');
    await login(mobile, 'infirmier');

    // Today's round of the EHPAD: the « si besoin » list, one line with its « Donner ».
    const tour = '/soins/tour?etablissement_id=1';
    await page.goto(tour);
    const section = page.getByRole('region', { name: /Si besoin/ });
    await section.waitFor();
    await scan(t, page, 'tour de médicaments, si besoin');
    await mobile.goto(`${tour}#si-besoin`);
    await t.test('360 px : si besoin', () => checkNoHorizontalOverflow(mobile, 'si besoin'));
    const pid = await section.locator('input[name=prescription_id]').first().getAttribute('value');
    assert.ok(pid, 'a « si besoin » line offers « Donner »');
    const ligne = (p) => p.locator('#si-besoin tbody tr', { has: p.locator(`input[name=prescription_id][value="${pid}"]`) });
    // The same round read in a second tab, before the doses below.
    await avant.goto(tour);
    await ligne(avant).waitFor();

    // Doses given until the maximum: each confirmed, then the line says the maximum is reached.
    for (let n = 0; n < 3; n += 1) {
      const form = ligne(page).locator('form');
      if (await form.count() === 0) break;
      await form.getByLabel('Motif').fill(`Douleur ${5 + n}/10`);
      await submit(page, form.getByRole('button', { name: /^Donner/ }));
      await page.getByText('La prise du médicament « si besoin » a été enregistrée.').waitFor();
    }
    const atteint = page.locator('#si-besoin tr', { hasText: 'Maximum atteint' });
    assert.ok(await atteint.count() >= 1, 'the maximum is reached');
    await scan(t, page, 'si besoin au maximum');

    // From the round read before: refused, in place on its line, what was typed kept.
    const form = ligne(avant).locator('form');
    await form.getByLabel('Motif').fill('Douleur 8/10');
    await submit(avant, form.getByRole('button', { name: /^Donner/ }));
    const resume = avant.locator('#erreurs-resume');
    await resume.waitFor();
    assert.match(await resume.innerText(), /maximum prescrit est de 3/);
    assert.equal(await avant.evaluate(() => document.activeElement?.id), 'erreurs-resume');
    assert.ok(await avant.getByRole('heading', { level: 1, name: /Tour de médicaments/ }).count() === 1,
      'the round, not an error page');
    assert.equal(await avant.locator('text=Code :').count(), 0);
    await scan(t, avant, 'si besoin refusé au maximum');
    // The same refusal on a phone.
    await mobile.goto(tour);
    await Promise.all([mobile.waitForNavigation({ waitUntil: 'load' }), mobile.evaluate((id) => {
      const f = document.createElement('form');
      f.method = 'post';
      f.action = '/soins/tour/si-besoin';
      const champ = (name, value) => {
        const i = document.createElement('input');
        i.type = 'hidden';
        i.name = name;
        i.value = value;
        f.appendChild(i);
      };
      champ('_csrf', document.querySelector('input[name=_csrf]').value);
      champ('etablissement_id', '1');
      champ('prescription_id', id);
      champ('motif', 'Douleur 8/10');
      document.body.appendChild(f);
      f.submit();
    }, pid)]);
    await mobile.locator('#erreurs-resume').waitFor();
    await t.test('360 px : si besoin refusé', () => checkNoHorizontalOverflow(mobile, 'si besoin refusé'));

    // A temperature beyond its threshold in the second resident's file: the header's alert.
    await page.goto('/usagers/2/soins/constantes');
    await page.getByRole('heading', { name: 'Courbe' }).waitFor();
    const mesure = page.locator('form[action$="/soins/constantes"]');
    await page.getByText('Enregistrer une mesure').click();
    await mesure.locator('select[name=type_mesure]').selectOption('temperature');
    await mesure.locator('input[name=valeur]').fill('39,6');
    await submit(page, mesure.getByRole('button', { name: 'Enregistrer la mesure' }));
    await page.getByText('La mesure a été enregistrée.').waitFor();
    await page.goto('/usagers/2');
    const entete = page.locator('.entete-alertes');
    await entete.waitFor();
    assert.match(await entete.locator('.alerte-constante').first().innerText(), /39,6 °C/);
    await scan(t, page, 'en-tête avec alerte de constante');
    await mobile.goto('/usagers/2');
    await t.test('360 px : en-tête avec alerte', () => checkNoHorizontalOverflow(mobile, 'en-tête'));
  });
});
