// Activities (issue 13, COO-1): the IME's educator, on a phone (360 px), opens the activities
// of the IME, an activity, one of its sessions, takes the whole group's attendance in one form
// (confirmed), then sees it in the person's *Activités* tab; changes an activity's title and
// places (refused in place first). Every page is scanned by axe-core.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, heading, follow,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

describe('activites', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
    await t.test(`360 px : ${label}`, () => checkNoHorizontalOverflow(page, label));
  }

  /** Logs in as the IME's educator and shows the IME's activities. */
  async function activitesIme(page) {
    await login(page, 'educateur');
    await page.goto('/activites');
    await page.locator('#f-etab').selectOption({ label: 'IME Les Coquelicots' });
    await submit(page, page.getByRole('button', { name: 'Afficher' }));
  }

  const observation = `Très à l'aise avec le poney (${Date.now() % 100000})`;

  test("l'éducateur note les présences d'une séance sur un téléphone", { timeout: 120_000 }, async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    try {
      await activitesIme(page);
      assert.equal(await heading(page), 'Activités');
      await scan(t, page, 'activités de l’IME');
      await follow(page, page.getByRole('link', { name: 'Équithérapie' }));
      assert.equal(await heading(page), 'Équithérapie');
      await scan(t, page, 'une activité');
      // The first session listed (two months ago): held, its attendance taken.
      await follow(page, page.locator('table a[href^="/seances/"]').first());
      assert.match(await heading(page), /^Séance du \d\d\/\d\d\/\d{4}$/);
      await scan(t, page, 'une séance');
      const premiere = page.locator('fieldset.champ').first();
      const nom = (await premiere.locator('legend a').innerText()).trim();
      await premiere.getByLabel('Présent', { exact: true }).check();
      await premiere.getByLabel(`Observation pour ${nom}`).fill(observation);
      await submit(page, page.getByRole('button', { name: 'Enregistrer les présences' }));
      assert.match(await page.locator('[role="status"]').first().innerText(), /présences de la séance sont enregistrées/);
      assert.equal(await page.locator('fieldset.champ').first().getByLabel('Présent', { exact: true }).isChecked(), true);
      await scan(t, page, 'séance enregistrée');
      // The person's history shows it.
      await follow(page, page.locator('fieldset.champ').first().locator('legend a'));
      assert.match(new URL(page.url()).pathname, /^\/usagers\/\d+\/activites$/);
      const ligne = page.locator('tr', { hasText: observation });
      assert.equal(await ligne.count(), 1, 'the attendance is in the history');
      assert.match(await ligne.innerText(), /Équithérapie/);
      assert.match(await ligne.innerText(), /Présent/);
      await scan(t, page, 'onglet Activités du dossier');
      // Filtered by kind: only sport.
      await page.locator('#h-type').selectOption('sport');
      await submit(page, page.getByRole('button', { name: 'Filtrer' }));
      assert.equal(await page.locator('tr', { hasText: 'Équithérapie' }).count(), 0);
    } finally {
      await page.context().close();
    }
  });

  test("l'éducateur modifie une activité sur un téléphone, refus sur place d'abord", { timeout: 90_000 }, async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    try {
      await activitesIme(page);
      await follow(page, page.getByRole('link', { name: 'Piscine' }));
      const form = page.locator('form[action$="/modification"]');
      await form.getByLabel('Titre').fill('');
      await form.getByLabel(/^Places/).fill('beaucoup');
      await form.evaluate((f) => { f.noValidate = true; });
      await submit(page, form.getByRole('button', { name: 'Enregistrer les modifications' }));
      const resume = page.locator('form[action$="/modification"] .resume-erreurs');
      assert.match(await resume.innerText(), /nombre entier/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'erreurs-resume');
      await scan(t, page, 'modification d’une activité refusée sur place');
      await page.locator('form[action$="/modification"]').getByLabel('Titre').fill('Piscine — bassin ludique');
      await page.locator('form[action$="/modification"]').getByLabel(/^Places/).fill('6');
      await submit(page, page.locator('form[action$="/modification"]').getByRole('button', { name: 'Enregistrer les modifications' }));
      assert.match(await page.locator('[role="status"]').first().innerText(), /activité a été modifiée/);
      assert.equal(await heading(page), 'Piscine — bassin ludique');
      await scan(t, page, 'activité modifiée');
    } finally {
      await page.context().close();
    }
  });
});
