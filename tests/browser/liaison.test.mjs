// The liaison book (issue 13, COO-6): the outside physiotherapist `kine` logs in on a phone
// (360 px), sees only that person's liaison book (the rest of the application answers 403),
// writes an entry; the home-care worker then sees it as new on their home page and in the
// book. Every page is scanned by axe-core.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, heading, follow,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

describe('liaison', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  const texte = `Séance du jour : marche 40 m avec déambulateur, escalier de 3 marches réussi (${Date.now()}).`;

  test('le kinésithérapeute partenaire écrit dans le cahier, sur un téléphone', async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    try {
      await login(page, 'kine');
      await page.goto('/');
      const panel = page.locator('section', { has: page.locator('#liaison-accueil-titre') });
      assert.match(await panel.locator('h2').innerText(), /^Cahier de liaison/);
      await scan(t, page, 'accueil (kine, 360 px)');
      await t.test('360 px : accueil (kine)', () => checkNoHorizontalOverflow(page, 'accueil kine'));
      // Nothing but the book: no search, no people list, no main navigation to files.
      assert.equal(await page.locator('#q-accueil').count(), 0);
      assert.equal(await page.getByRole('link', { name: 'Usagers', exact: true }).count(), 0);
      await follow(page, panel.getByRole('link').first());
      const path = new URL(page.url()).pathname;
      assert.match(path, /^\/usagers\/\d+\/liaison$/);
      assert.match(await heading(page), /^Cahier de liaison de /);
      assert.equal(await page.locator('.entete-dossier').count(), 0, 'no file header for a partner');
      assert.match(await page.locator('#ecrire-titre + form, section:has(#ecrire-titre)').first().innerText(), /Kinésithérapeute/);
      await scan(t, page, 'cahier de liaison (kine, 360 px)');
      await t.test('360 px : cahier (kine)', () => checkNoHorizontalOverflow(page, 'cahier kine'));
      await page.getByLabel('Entrée', { exact: true }).fill(texte);
      await submit(page, page.getByRole('button', { name: "Enregistrer l'entrée" }));
      assert.equal(new URL(page.url()).pathname, path);
      const premiere = page.locator('article.transmission').first();
      assert.match(await premiere.innerText(), /Kinésithérapeute/);
      assert.ok((await premiere.innerText()).includes(texte), 'the entry is listed first');
      // The file and the search are closed to the partner.
      const id = path.split('/')[2];
      for (const other of [`/usagers/${id}`, '/usagers', `/usagers/${id}/soins`, '/releve']) {
        const r = await page.goto(other);
        assert.equal(r.status(), 403, other);
      }
      await scan(t, page, 'refus (kine, 360 px)');
    } finally {
      await page.context().close();
    }
  });

  test("l'intervenant voit la nouvelle entrée", async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    try {
      await login(page, 'intervenant');
      await page.goto('/');
      const titre = await page.locator('#liaison-accueil-titre').innerText();
      assert.match(titre, /Cahier de liaison : \d+ nouvelles? entrées?/);
      await scan(t, page, 'accueil (intervenant, cahier de liaison)');
      await follow(page, page.locator('section:has(#liaison-accueil-titre) a').first());
      const entree = page.locator('article.transmission', { hasText: texte });
      assert.equal(await entree.count(), 1);
      assert.match(await entree.innerText(), /Nouvelle/);
      await scan(t, page, 'cahier de liaison (intervenant, 360 px)');
      await t.test('360 px : cahier (intervenant)', () => checkNoHorizontalOverflow(page, 'cahier intervenant'));
      // Read: no longer new.
      await page.reload();
      assert.doesNotMatch(await page.locator('article.transmission', { hasText: texte }).innerText(), /Nouvelle/);
    } finally {
      await page.context().close();
    }
  });
});
