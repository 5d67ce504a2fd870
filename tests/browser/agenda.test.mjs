// Agenda (issue 13, COO-3/COO-4): the IME's cadre plans, from a child's file, a weekly
// synthesis meeting with the educator and a relative (keyboard only; a refusal shown in
// place first), records a relative's excuse at the first date on that date's page at 360 px
// (a presence refused in place before it), postpones one date with its motive, sees a
// concurrent change refused in place (409) and confirms the meeting; the educator finds it
// on the home page, in the week view and in the child's Agenda tab with the postponed date
// and the presences. Every page is scanned by axe and checked at 360 px and 1280 px.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, logout, heading, checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, DEMO_PASSWORD,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

/** `AAAA-MM-JJ` in Paris, `jours` days from now. */
function jour(jours) {
  const d = new Date(Date.now() + jours * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}
/** `JJ/MM/AAAA` of an `AAAA-MM-JJ`. */
const fr = (iso) => iso.split('-').reverse().join('/');

describe('agenda', { timeout: 240_000 }, () => {
  const suite = demoSuite();
  const objet = `Synthèse hebdomadaire ${Date.now() % 100000}`;
  const demain = jour(1);
  const semaineSuivante = jour(8);
  const report = jour(9);
  let dossier = null;
  let evenement = null;

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }
  /** The same address at 360 px: no horizontal overflow. */
  async function mobile(t, username, adresse, label) {
    const p = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    try {
      await login(p, username);
      await p.goto(adresse);
      await t.test(`360 px : ${label}`, () => checkNoHorizontalOverflow(p, label));
      await scan(t, p, `${label} (360 px)`);
    } finally {
      await p.context().close();
    }
  }
  /** Types `texte` in the field labelled `label` of `zone`, from the keyboard. */
  async function taper(page, zone, label, texte) {
    const champ = zone.getByLabel(label, { exact: true });
    await champ.focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(texte);
  }
  /** Presses Enter on `bouton` and waits for the page the form leads to. */
  async function entree(page, bouton) {
    await bouton.focus();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  }

  /** At 360 px, the page of date `date` of event `id`: a presence refused in place before
   * the meeting, then a relative's excuse recorded and confirmed; axe and overflow checked. */
  async function presenceDUneDate(t, id, date) {
    const p = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    try {
      await login(p, 'cadre-ime');
      await p.goto(`/agenda/evenements/${id}`);
      await Promise.all([p.waitForNavigation(), p.locator(`li[data-occurrence="${date}"] a`).click()]);
      const mere = () => p.locator('#participants li', { hasText: 'Mme Martin, mère' });
      await mere().getByLabel(/Présence de Mme Martin/).selectOption('present');
      await entree(p, mere().getByRole('button', { name: /Enregistrer/ }));
      assert.match(await mere().locator('.resume-erreurs').innerText(), /une fois l'occurrence commencée/);
      await scan(t, p, "présence d'une date refusée sur place (360 px)");
      await mere().getByLabel(/Présence de Mme Martin/).selectOption('excuse');
      await entree(p, mere().getByRole('button', { name: /Enregistrer/ }));
      await p.getByText('La présence a été enregistrée').waitFor();
      assert.match(await mere().locator('[data-presence]').innerText(), /Excusé/);
      assert.match(await p.locator('#bilan-occurrence').innerText(), /1 excusé/);
      await t.test("360 px : présence d'une date", () => checkNoHorizontalOverflow(p, "présence d'une date"));
      await scan(t, p, "présence d'une date (360 px)");
      assert.deepEqual(p.jsErrors, []);
    } finally {
      await p.context().close();
    }
  }

  test('la cadre planifie la réunion de synthèse depuis le dossier', { timeout: 120_000, ...known('la cadre planifie la réunion de synthèse depuis le dossier') }, async (t) => {
    const page = await newPage(suite.browser, suite.server);
    try {
      await login(page, 'cadre-ime');
      await page.goto('/usagers?etablissement=2');
      const premier = page.locator('main a[href^="/usagers/"]').filter({ hasNotText: 'Nouvel' }).first();
      dossier = (await premier.getAttribute('href')).match(/\/usagers\/(\d+)/)[1];
      await page.goto(`/usagers/${dossier}/agenda`);
      assert.equal(await page.locator(`a[href="/usagers/${dossier}/agenda"]`).first().getAttribute('aria-current'), 'page');
      await page.locator('#chrono-titre').waitFor();
      await scan(t, page, "onglet Agenda d'un dossier");

      // The planning form, from the keyboard: a weekly series without its end is refused in place.
      const form = page.locator('section#planifier');
      await form.locator('summary').focus();
      await page.keyboard.press('Enter');
      await form.getByLabel('Type').selectOption('reunion_synthese');
      await taper(page, form, 'Objet', objet);
      await form.getByLabel('Établissement').selectOption({ label: 'IME Les Coquelicots' });
      await form.getByLabel('Jour').fill(demain);
      await form.getByLabel(/^Début/).fill('09:00');
      await form.getByLabel('Fin', { exact: true }).fill('10:00');
      await taper(page, form, 'Lieu', 'Salle des familles');
      await form.getByLabel('Répétition').selectOption('hebdomadaire');
      const educ = form.getByRole('checkbox', { name: /Éluard/i });
      await educ.focus();
      await page.keyboard.press('Space');
      assert.ok(await educ.isChecked());
      await taper(page, form, /Proches ou partenaires/, 'Mme Martin, mère');
      await entree(page, form.getByRole('button', { name: "Planifier l'événement" }));
      const refus = page.locator('section#planifier');
      assert.match(await refus.locator('#n-jusqua-err').innerText(), /jusqu'à quand/);
      assert.equal(await refus.getByLabel('Objet').inputValue(), objet, 'ce qui a été saisi reste');
      await scan(t, page, 'planification refusée sur place');

      await refus.getByLabel(/Jusqu'au/).fill(jour(60));
      if (!(await refus.getByRole('checkbox', { name: /Éluard/i }).isChecked())) {
        await refus.getByRole('checkbox', { name: /Éluard/i }).check();
      }
      await entree(page, refus.getByRole('button', { name: "Planifier l'événement" }));
      await page.getByText("L'événement a été enregistré").waitFor();
      const ligne = page.locator('#chronologie li', { hasText: objet }).first();
      assert.match(await ligne.innerText(), /Réunion de synthèse/);
      assert.match(await ligne.innerText(), /ÉLUARD Élodie \(Attendu\)/i);
      await scan(t, page, 'onglet Agenda, événement planifié');

      // The event's page: a presence refused before the meeting, an excuse recorded.
      // The tab's line leads to the event (for a series, to that date's page, which leads
      // back to the event).
      await Promise.all([page.waitForNavigation(), ligne.getByRole('link', { name: objet }).click()]);
      await page.locator('#participants').waitFor();
      evenement = new URL(page.url()).pathname.match(/\/agenda\/evenements\/(\d+)/)[1];
      assert.match(await heading(page), new RegExp(objet));
      if (new URL(page.url()).pathname.includes('/occurrences/')) {
        await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: "Retour à l'événement" }).click()]);
      }
      await scan(t, page, "page de l'événement");
      // A series: presence is noted per date, tomorrow's on its own page (at 360 px).
      assert.match(await page.locator('#participants').innerText(), /Présences par date/);
      await presenceDUneDate(t, evenement, demain);

      // One date of the series postponed with its motive.
      const occ = page.locator('section#occurrences');
      await occ.getByLabel('Occurrence').selectOption(semaineSuivante);
      await occ.getByLabel('La reporter').check();
      await occ.getByLabel(/Nouveau jour/).fill(report);
      await occ.getByLabel('Nouveau début').fill('14:00');
      await occ.getByLabel('Nouvelle fin').fill('15:00');
      await taper(page, occ, /^Motif/, 'Salle prise par la commission');
      await entree(page, occ.getByRole('button', { name: 'Enregistrer pour cette date' }));
      await page.getByText("L'occurrence a été enregistrée").waitFor();
      assert.match(await page.locator('section#occurrences').innerText(), new RegExp(`Reportée au ${fr(report)} à 14:00 — motif : Salle prise par la commission`));

      // A change made meanwhile elsewhere (the API): the page's change is refused in place.
      const r = await fetch(`${suite.server.baseURL}/api/v1/session`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'cadre-ime', password: DEMO_PASSWORD }),
      });
      const { token } = await r.json();
      const api = (method, path, body) => fetch(`${suite.server.baseURL}/api/v1${path}`, {
        method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      const lu = await (await api('GET', `/agenda/${evenement}`)).json();
      const modif = page.locator('form[action$="/modification"]');
      await taper(page, modif, 'Lieu', 'Salle du conseil');
      const s = await api('POST', `/agenda/${evenement}/statut`, { statut: 'confirme', version: lu.version });
      assert.equal(s.status, 200);
      await entree(page, modif.getByRole('button', { name: 'Enregistrer les modifications' }));
      assert.match(await page.locator('form[action$="/modification"] .resume-erreurs').innerText(), /modifié entre-temps/);
      assert.equal(await page.locator('#statut-evenement').innerText(), 'Confirmé', 'la page montre la version à jour');
      await scan(t, page, 'modification refusée (409)');
      await entree(page, page.locator('form[action$="/modification"]').getByRole('button', { name: 'Enregistrer les modifications' }));
      await page.getByText("L'événement a été enregistré").waitFor();
      assert.match(await page.locator('main').innerText(), /Lieu : Salle du conseil/);
      assert.deepEqual(page.jsErrors, []);
      await logout(page);
      await mobile(t, 'cadre-ime', `/agenda/evenements/${evenement}`, "page de l'événement");
    } finally {
      await page.context().close();
    }
  });

  test("l'éducatrice le voit sur l'accueil, dans sa semaine et dans le dossier", { timeout: 90_000, ...known("l'éducatrice le voit sur l'accueil, dans sa semaine et dans le dossier") }, async (t) => {
    assert.ok(dossier && evenement, 'planifié par le test précédent');
    const page = await newPage(suite.browser, suite.server);
    try {
      await login(page, 'educateur');
      await page.goto('/');
      const rdv = page.locator('#mes-rendez-vous');
      await rdv.waitFor();
      assert.match(await rdv.innerText(), new RegExp(objet));
      await scan(t, page, 'accueil, mes prochains rendez-vous');

      await page.goto(`/agenda?vue=semaine&de=${demain}`);
      assert.match(await page.locator(`#agenda-jours`).innerText(), new RegExp(objet));
      await scan(t, page, 'agenda de la semaine');
      await page.goto(`/agenda?vue=semaine&de=${semaineSuivante}`);
      const deplace = page.locator('.agenda-evenement', { hasText: objet });
      assert.match(await deplace.innerText(), /déplacé/);
      assert.match(await deplace.innerText(), /14:00 – 15:00/);

      await page.goto(`/usagers/${dossier}/agenda?periode=avenir&genre=evenements`);
      const chrono = page.locator('#chronologie');
      assert.match(await chrono.innerText(), new RegExp(`Reportée au ${fr(report)} à 14:00 — motif : Salle prise par la commission`));
      assert.match(await chrono.innerText(), /Mme Martin, mère \(Excusé\)/);
      assert.doesNotMatch(await chrono.innerText(), /Échange ·/, 'filtré : événements seulement');
      await scan(t, page, "onglet Agenda vu par l'éducatrice");
      assert.deepEqual(page.jsErrors, []);
      await mobile(t, 'educateur', '/', 'accueil (éducatrice)');
      await mobile(t, 'educateur', `/agenda?vue=semaine&de=${demain}`, 'agenda de la semaine');
      await mobile(t, 'educateur', `/usagers/${dossier}/agenda?periode=avenir`, 'onglet Agenda');
    } finally {
      await page.context().close();
    }
  });

  test("un échange noté dans l'onglet, refusé sur place puis enregistré", { timeout: 60_000 }, async (t) => {
    assert.ok(dossier, 'dossier choisi');
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    try {
      await login(page, 'educateur');
      await page.goto(`/usagers/${dossier}/agenda`);
      const form = page.locator('section#echange');
      await form.locator('summary').click();
      await form.getByLabel('Type').selectOption('appel');
      await taper(page, form, /^Interlocuteur/, 'Mme Martin, mère');
      await taper(page, form, 'Objet', 'Retour de week-end');
      await taper(page, form, 'Résumé', 'Week-end calme, retour dimanche 18 h.');
      // A date to come: the browser lets it through, the server refuses it (an exchange is
      // noted once it took place) and shows the form again in place, as typed.
      await form.getByLabel('Jour', { exact: true }).fill(jour(30));
      await entree(page, form.getByRole('button', { name: "Enregistrer l'échange" }));
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'erreurs-resume');
      assert.match(await page.locator('#x-jour-err').innerText(), /à venir/);
      assert.equal(await page.locator('#x-jour').getAttribute('aria-describedby'), 'x-jour-err');
      assert.equal(await page.locator('#x-resume').inputValue(), 'Week-end calme, retour dimanche 18 h.');
      assert.doesNotMatch(await page.locator('main').innerText(), /Code :/);
      await scan(t, page, 'échange refusé sur place (360 px)');
      await page.locator('section#echange').getByLabel('Jour', { exact: true }).fill(jour(0));
      await entree(page, page.locator('section#echange').getByRole('button', { name: "Enregistrer l'échange" }));
      await page.getByText("L'échange a été enregistré dans le dossier").waitFor();
      assert.match(await page.locator('#chronologie').innerText(), /Retour de week-end/);
      await t.test('360 px : échange enregistré', () => checkNoHorizontalOverflow(page, 'échange enregistré'));
    } finally {
      await page.context().close();
    }
  });
});
