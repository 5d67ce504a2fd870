// Télégestion on a phone (issue 13, COO-5): the demo home-care worker, at 360 px, sees the
// day's visits, arrives, says which tasks were done, leaves a note and departs; then with
// the network cut records entries that wait on the phone, reloads (the day still shows),
// and when the network returns the entries are sent once; a visit the coordinator gave to
// another worker meanwhile comes back as a conflict, shown. Every page is scanned by axe.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, heading, checkA11y, checkNoHorizontalOverflow, MOBILE, demoSuite, DEMO_PASSWORD,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

describe('télégestion', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  /** A bearer token of a demo account (the coordinator acts through the API meanwhile). */
  async function jeton(username) {
    const r = await fetch(`${suite.server.baseURL}/api/v1/session`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password: DEMO_PASSWORD }),
    });
    assert.equal(r.status, 200);
    return (await r.json()).token;
  }
  async function api(token, method, path, body) {
    const r = await fetch(`${suite.server.baseURL}/api/v1${path}`, {
      method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: r.status, json: await r.json() };
  }
  const carte = (page, id) => page.locator(`#visite-${id}`);
  const etat = (page) => page.locator('#t-etat');

  /**
   * Waits until the service worker is active and controls the page, with its own timeout
   * and a clear failure (`navigator.serviceWorker.ready` alone may never resolve when the
   * registration failed).
   */
  async function serviceWorkerPret(page, ms = 20_000) {
    const issue = await page.evaluate((ms) => Promise.race([
      navigator.serviceWorker.ready.then(() => new Promise((ok) => {
        const fini = () => ok('controle');
        if (navigator.serviceWorker.controller) { fini(); return; }
        navigator.serviceWorker.addEventListener('controllerchange', fini);
      })),
      new Promise((ok) => setTimeout(() => ok('delai'), ms)),
    ]), ms);
    assert.equal(issue, 'controle', `le service worker ne contrôle pas la page après ${ms / 1000} s`);
  }
  /** The moment the day page shown was served (a copy kept offline keeps its own). */
  const serviA = async (page) => JSON.parse(await page.locator('#t-donnees').textContent()).servi_a;

  // Bounded: the offline part waits on the service worker with its own timeout.
  const journee = 'intervenant : sa journée sur un téléphone, hors connexion comprise';
  test(journee, { timeout: 90_000, ...known(journee) }, async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    try {
      await login(page, 'intervenant');
      await page.goto('/telegestion');
      assert.match(await heading(page), /Ma journée/);
      await assert.doesNotReject(etat(page).filter({ hasText: 'En ligne' }).waitFor());
      const jour = JSON.parse(await page.locator('#t-donnees').textContent());
      const aFaire = jour.visites.filter((v) => !v.arrivee);
      assert.ok(jour.visites.some((v) => v.statut === 'faite'), 'des visites faites');
      assert.ok(jour.visites.some((v) => v.statut === 'en_cours'), 'une visite en cours');
      assert.ok(aFaire.length >= 3, 'au moins trois visites à faire');
      await scan(t, page, 'ma journée');
      await checkNoHorizontalOverflow(page, 'ma journée');

      // Online: arrive, tasks, a note, depart.
      const [a, b, c] = aFaire;
      await carte(page, a.id).getByRole('button', { name: "J'arrive" }).click();
      await carte(page, a.id).getByText(/Sur place depuis/).waitFor();
      const taches = carte(page, a.id).locator('fieldset.t-tache');
      await taches.nth(0).getByLabel('Faite', { exact: true }).check();
      if (await taches.count() > 1) {
        await taches.nth(1).getByLabel('Non faite').check();
        await taches.nth(1).getByRole('textbox').fill('La personne a refusé.');
      }
      await carte(page, a.id).getByRole('button', { name: 'Enregistrer les tâches' }).click();
      await carte(page, a.id).getByLabel("Note pour l'équipe").fill('Bon moral, a bien mangé.');
      await carte(page, a.id).getByRole('button', { name: 'Enregistrer la note' }).click();
      await carte(page, a.id).getByRole('button', { name: 'Je pars' }).click();
      await carte(page, a.id).getByText(/Partie à/).waitFor();
      await etat(page).filter({ hasText: 'tout est envoyé' }).waitFor();
      await scan(t, page, 'visite faite');
      const cadre = await jeton('cadre');
      const faite = await api(cadre, 'GET', `/interventions/${a.id}`);
      assert.equal(faite.status, 200);
      assert.equal(faite.json.statut, 'faite');
      assert.equal(faite.json.note, 'Bon moral, a bien mangé.');
      assert.equal(faite.json.taches[0].fait, true);

      // The page and its script kept by the service worker before the network goes.
      await serviceWorkerPret(page);
      await page.reload();
      await serviceWorkerPret(page);
      await page.locator('#telegestion[data-sw-reseau="en-ligne"]').waitFor();
      const copie = await serviA(page);

      // Offline: an arrival and a note wait on the phone. The service worker, told by the
      // page, serves the kept day without trying the network (which Playwright's offline
      // mode does not cut for a service worker).
      await page.context().setOffline(true);
      await etat(page).filter({ hasText: 'Hors connexion' }).waitFor();
      await page.locator('#telegestion[data-sw-reseau="hors-ligne"]').waitFor();
      await carte(page, b.id).getByRole('button', { name: "J'arrive" }).click();
      await carte(page, b.id).getByText(/en attente d'envoi/).waitFor();
      await carte(page, b.id).getByLabel("Note pour l'équipe").fill('Noté sans réseau.');
      await carte(page, b.id).getByRole('button', { name: 'Enregistrer la note' }).click();
      await etat(page).filter({ hasText: '2 saisies en attente' }).waitFor();
      // The visit c: arrival recorded offline, while the coordinator gives it to another
      // worker (through the API, with the network the phone has not).
      await carte(page, c.id).getByRole('button', { name: "J'arrive" }).click();
      await etat(page).filter({ hasText: '3 saisies en attente' }).waitFor();
      const service = await api(cadre, 'GET', `/interventions?vue=jour&limit=2000`);
      const autre = service.json.items.find((v) => v.intervenant_id && v.intervenant_id !== c.intervenant_id);
      assert.ok(autre, 'un autre intervenant du service');
      const r = await api(cadre, 'POST', `/interventions/${c.id}/reaffectation`, { intervenant: autre.intervenant_id, version: c.version });
      assert.equal(r.status, 200, JSON.stringify(r.json));

      // Reloaded without network: the day kept on the phone (not the coordinator's new one)
      // still shows, with what waits.
      await page.reload();
      assert.equal(await serviA(page), copie, 'la journée gardée sur le téléphone, pas celle du réseau');
      await carte(page, b.id).getByText(/Sur place depuis/).waitFor();
      await carte(page, b.id).getByText(/en attente d'envoi/).waitFor();
      await etat(page).filter({ hasText: '3 saisies en attente' }).waitFor();

      // The network returns: sent once, the conflict shown.
      await page.context().setOffline(false);
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await etat(page).filter({ hasText: 'tout est envoyé' }).waitFor();
      await page.locator('#telegestion[data-sw-reseau="en-ligne"]').waitFor();
      const conflits = page.locator('#t-conflits');
      await conflits.waitFor();
      assert.match(await conflits.textContent(), /autre compte/);
      await scan(t, page, 'conflit au retour du réseau');
      const recues = await api(cadre, 'GET', `/interventions/${b.id}/entrees`);
      assert.equal(recues.status, 200);
      assert.deepEqual(recues.json.map((e) => e.type).sort(), ['arrivee', 'note'], 'chaque saisie une seule fois');
      const vb = await api(cadre, 'GET', `/interventions/${b.id}`);
      assert.equal(vb.json.note, 'Noté sans réseau.');
      const enConflit = await api(cadre, 'GET', `/interventions/${c.id}/entrees`);
      assert.deepEqual(enConflit.json.map((e) => e.statut), ['conflit'], 'gardée, non appliquée');
      const vc = await api(cadre, 'GET', `/interventions/${c.id}`);
      assert.equal(vc.json.arrivee, null, "l'arrivée en conflit n'a rien écrasé");
      assert.deepEqual(page.jsErrors, []);
    } finally {
      await page.context().close();
    }
  });

  test('cadre : le planning de la semaine et le prévu / réalisé', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    try {
      await login(page, 'cadre');
      await page.goto('/planning');
      assert.match(await heading(page), /Planning à domicile/);
      await page.getByRole('heading', { name: /Diallo/i }).first().waitFor();
      await scan(t, page, 'planning de la semaine');
      await page.getByRole('link', { name: 'Prévu / réalisé du mois' }).click();
      assert.match(await heading(page), /Prévu \/ réalisé/);
      await page.getByRole('heading', { name: 'Par intervenant' }).waitFor();
      await scan(t, page, 'prévu / réalisé');
    } finally {
      await page.context().close();
    }
  });
});
