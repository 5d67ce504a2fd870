// Foundation journeys: login, administration pages, break-the-glass list, errors, keyboard
// and 360 px layout, with an axe-core scan of every page visited.

import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, openBrowser, newPage, login, logout, navigate, follow, heading,
  checkA11y, checkNoHorizontalOverflow, skipLinkProblems, screenshot, MOBILE,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

describe('fondation', () => {
  let server;
  let browser;
  /** Pages visited by the journeys: { label, path, user } (replayed at 360 px). */
  const visited = [];

  before(async () => {
    server = await startServer();
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Records the current page and scans it as a subtest (a violation fails that subtest only). */
  async function visit(t, page, label, user) {
    const path = new URL(page.url()).pathname + new URL(page.url()).search;
    visited.push({ label, path, user });
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  test('administrateur : connexion, administration et déconnexion', async (t) => {
    const page = await newPage(browser, server);
    try {
      await page.goto('/connexion');
      assert.equal(await heading(page), 'Connexion');
      await visit(t, page, 'connexion', null);

      await login(page, 'admin');
      assert.equal(new URL(page.url()).pathname, '/');
      assert.equal(await heading(page), 'Bonjour Alice');
      const etabs = page.getByRole('region', { name: 'Mes établissements et services' });
      for (const nom of ['EHPAD Les Tilleuls', 'IME Les Coquelicots', 'MECS La Passerelle', 'SAD Rhône-Val', "CHRS L'Escale"]) {
        await assert.doesNotReject(etabs.getByRole('link', { name: nom }).waitFor(), `établissement « ${nom} » absent de l'accueil`);
      }
      await visit(t, page, 'accueil', 'admin');

      await navigate(page, 'Organisation');
      assert.equal(await heading(page), 'Organisation');
      await visit(t, page, 'organisation', 'admin');

      await follow(page, page.getByRole('link', { name: 'EHPAD Les Tilleuls' }));
      assert.match(new URL(page.url()).pathname, /^\/admin\/etablissements\/\d+$/);
      assert.match(await heading(page), /EHPAD Les Tilleuls/);
      await visit(t, page, 'établissement', 'admin');

      await navigate(page, 'Comptes');
      assert.equal(await heading(page), 'Comptes');
      await visit(t, page, 'comptes', 'admin');

      await follow(page, page.getByRole('link', { name: /Dubois Dominique|Dominique Dubois/ }));
      assert.match(new URL(page.url()).pathname, /^\/admin\/utilisateurs\/\d+$/);
      assert.match(await heading(page), /Dominique|Dubois/);
      await visit(t, page, 'compte utilisateur', 'admin');

      await navigate(page, 'Comptes');
      await follow(page, page.getByRole('link', { name: 'Créer un compte' }));
      assert.equal(new URL(page.url()).pathname, '/admin/utilisateurs/nouveau');
      await visit(t, page, 'créer un compte', 'admin');

      await navigate(page, 'Habilitations');
      assert.equal(await heading(page), 'Habilitations');
      await visit(t, page, 'habilitations', 'admin');

      await navigate(page, "Journal d'audit");
      assert.equal(await heading(page), "Journal d'audit");
      await visit(t, page, "journal d'audit", 'admin');

      // « Mon compte » is the account name link in the header.
      await follow(page, page.getByRole('banner').getByRole('link', { name: /Alice/ }));
      assert.equal(new URL(page.url()).pathname, '/compte');
      assert.equal(await heading(page), 'Mon compte');
      await visit(t, page, 'mon compte', 'admin');

      await logout(page);
      assert.equal(await heading(page), 'Connexion');
      // The session is gone: a protected page sends back to the login form.
      await page.goto('/admin/utilisateurs');
      assert.equal(new URL(page.url()).pathname, '/connexion');
      assert.deepEqual(page.jsErrors, [], 'erreurs JavaScript');
    } catch (e) {
      await screenshot(page, 'echec-administrateur');
      throw e;
    } finally {
      await page.context().close();
    }
  });

  test('direction : accès exceptionnels', async (t) => {
    const page = await newPage(browser, server);
    try {
      await login(page, 'direction');
      assert.equal(await heading(page), 'Bonjour Dominique');
      await navigate(page, 'Accès exceptionnels');
      assert.equal(new URL(page.url()).pathname, '/acces-exceptionnels');
      assert.equal(await heading(page), 'Accès exceptionnels');
      await visit(t, page, 'accès exceptionnels', 'direction');
      // Direction is not an administrator: no administration links.
      assert.equal(await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Comptes' }).count(), 0);
      await logout(page);
    } catch (e) {
      await screenshot(page, 'echec-direction');
      throw e;
    } finally {
      await page.context().close();
    }
  });

  test('connexion refusée : message en français', async (t) => {
    const page = await newPage(browser, server);
    try {
      await page.goto('/connexion');
      await page.getByLabel('Identifiant').fill('educateur');
      await page.getByLabel('Mot de passe').fill('mauvais-mot-de-passe');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForLoadState('load');
      assert.equal(new URL(page.url()).pathname, '/connexion');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.equal((await alert.innerText()).trim(), 'Identifiant, mot de passe ou code incorrect, ou compte verrouillé pour quinze minutes après cinq échecs.');
      // The identifier is kept, the password is not.
      assert.equal(await page.getByLabel('Identifiant').inputValue(), 'educateur');
      assert.equal(await page.getByLabel('Mot de passe').inputValue(), '');
      await visit(t, page, 'connexion refusée', null);
    } finally {
      await page.context().close();
    }
  });

  test('page introuvable en français', async (t) => {
    const page = await newPage(browser, server);
    try {
      const anonymous = await page.goto('/cette-page-n-existe-pas');
      // Anonymous visitors may be sent to the login form first; check both cases.
      if (new URL(page.url()).pathname !== '/connexion') {
        assert.equal(anonymous.status(), 404);
      }
      await login(page, 'educateur');
      const res = await page.goto('/cette-page-n-existe-pas');
      assert.equal(res.status(), 404);
      assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
      const text = await page.locator('main').innerText();
      assert.match(await heading(page), /introuvable|n'existe pas|inexistante/i, `titre de la page 404 : ${await heading(page)}`);
      assert.doesNotMatch(text, /not found/i);
      assert.match(await page.title(), /DUI/);
      await visit(t, page, 'page introuvable', 'educateur');
    } finally {
      await page.context().close();
    }
  });

  test('clavier : la première tabulation atteint « Aller au contenu »', async (t) => {
    const page = await newPage(browser, server);
    try {
      await login(page, 'admin');
      const paths = ['/', '/admin/organisation', '/admin/utilisateurs', '/admin/permissions', '/admin/audit', '/compte'];
      for (const path of paths) {
        await t.test(`lien d'évitement : ${path}`, known(`lien d'évitement : ${path}`), async () => {
          await page.goto(path);
          const problems = await skipLinkProblems(page);
          assert.deepEqual(problems, [], `${path} : ${problems.join(' ; ')}`);
        });
      }
      await logout(page);
      await t.test("lien d'évitement : /connexion", known("lien d'évitement : /connexion"), async () => {
        await page.goto('/connexion');
        const problems = await skipLinkProblems(page);
        assert.deepEqual(problems, [], `/connexion : ${problems.join(' ; ')}`);
      });
    } finally {
      await page.context().close();
    }
  });

  test('360 px : aucune page ne défile horizontalement, et chacune reste accessible', async (t) => {
    assert.ok(visited.length >= 10, `trop peu de pages visitées (${visited.length}) : les parcours ont-ils échoué ?`);
    const byUser = new Map();
    for (const v of visited) {
      if (!byUser.has(v.user)) byUser.set(v.user, []);
      if (!byUser.get(v.user).some((w) => w.path === v.path)) byUser.get(v.user).push(v);
    }
    for (const [user, pages] of byUser) {
      const page = await newPage(browser, server, { viewport: MOBILE });
      try {
        if (user) await login(page, user);
        for (const v of pages) {
          const name = `360 px : ${v.label} (${v.path}, ${user || 'anonyme'})`;
          await t.test(name, known(name), async () => {
            await page.goto(v.path);
            await checkNoHorizontalOverflow(page, v.label);
            await checkA11y(page, `${v.label} à 360 px`);
          });
        }
      } finally {
        await page.context().close();
      }
    }
  });
});
