// Care journey (issue 12): a nurse opens Hélène DUPONT's *Soins* tab on a 360 px screen: the
// medical summary (her allergy in the header too), adds an entry, reads the observations and
// the emergency liaison file (DLU) with its missing items flagged; a psychologist writes a
// note in an IME child's sealed *Psychologie* tab. Every page is scanned by axe-core and must
// fit in 360 px.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, logout,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

describe('soins', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
    await t.test(`360 px : ${label}`, known(`360 px : ${label}`), () => checkNoHorizontalOverflow(page, label));
  }

  test('infirmière : synthèse médicale, observations et DLU ; psychologue : note scellée', async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(page, 'infirmier');
    await page.goto('/usagers/1/soins');
    await page.getByRole('heading', { name: 'Synthèse médicale', level: 2 }).waitFor();
    // Her allergy, from the summary, in the header's alerts.
    assert.match(await page.locator('.entete-dossier').innerText(), /Pénicilline/);
    await scan(t, page, 'synthèse médicale');

    const libelle = `Texture hachée ${Date.now() % 100000}`;
    await page.getByLabel('Rubrique').selectOption('regime');
    await page.getByLabel('Libellé').fill(libelle);
    await submit(page, page.getByRole('button', { name: "Enregistrer l'entrée" }));
    await page.getByText(libelle).first().waitFor();

    await page.getByRole('link', { name: 'Observations' }).click();
    await page.getByRole('heading', { name: 'Observations', level: 2 }).waitFor();
    await scan(t, page, 'observations');

    // An observation dated to come: refused in place (the browser lets the date through),
    // the summary focused, the message by the date, the text kept; then recorded.
    const texte = `Sommeil agité ${Date.now() % 100000}`;
    await page.getByLabel('Type', { exact: true }).selectOption('infirmiere');
    await page.getByLabel('Observation', { exact: true }).fill(texte);
    await page.getByLabel('Date et heure').fill('2099-01-01T10:00');
    await submit(page, page.getByRole('button', { name: "Enregistrer l'observation" }));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'erreurs-resume');
    assert.match(await page.locator('#o-date_observation-err').innerText(), /futur/);
    assert.equal(await page.locator('#o-date_observation').getAttribute('aria-describedby'), 'o-date_observation-err');
    assert.equal(await page.getByLabel('Observation', { exact: true }).inputValue(), texte);
    assert.doesNotMatch(await page.locator('main').innerText(), /Code :/);
    await scan(t, page, 'observation refusée sur place');
    await page.getByLabel('Date et heure').fill('');
    await submit(page, page.getByRole('button', { name: "Enregistrer l'observation" }));
    await page.getByText("L'observation a été enregistrée dans le dossier.").waitFor();
    await page.getByText(texte).first().waitFor();

    await page.getByRole('link', { name: "Liaison d'urgence (DLU)" }).click();
    await page.getByRole('heading', { name: "Dossier de liaison d'urgence" }).waitFor();
    assert.match(await page.locator('.dlu').innerText(), /Pénicilline/);
    await scan(t, page, 'dossier de liaison d\'urgence');
    await logout(page);

    // A resident with a missing item: every third one has no advance directives.
    await login(page, 'medecin');
    let flagged = false;
    for (let id = 2; id <= 40 && !flagged; id++) {
      const r = await page.goto(`/usagers/${id}/soins/dlu`);
      if (r.status() !== 200) continue;
      flagged = (await page.getByText(/élément\(s\) obligatoire\(s\) manquant\(s\)/).count()) > 0;
    }
    assert.ok(flagged, 'un DLU de démonstration signale un élément manquant');
    await logout(page);

    await login(page, 'psychologue');
    await page.goto('/usagers?q=a');
    const hrefs = await page.locator('a[href^="/usagers/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const fiche = hrefs.find((h) => /^\/usagers\/\d+$/.test(h));
    assert.ok(fiche, 'un dossier dans le périmètre de la psychologue');
    await page.goto(`${fiche}/psychologie`);
    await page.getByRole('heading', { name: 'Notes de psychologie' }).waitFor();
    await scan(t, page, 'psychologie');
  });
});
