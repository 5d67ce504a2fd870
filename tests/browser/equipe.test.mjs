// The team around the person and messages to professionals (issue 13, COO-2/3/4): the cadre
// changes a resident's referent on a phone (360 px), choosing the nurse by name — a start in
// the future is refused in place, then the change is confirmed and the former referent is in
// the history; the educator reads a message from the home page (its unread mark cleared) and
// sees a message about a person out of her scope without the person's name. Every page is
// scanned by axe-core.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, follow,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

function isoDay(offsetDays) {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  const paris = new Intl.DateTimeFormat('fr-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });
  return paris.format(d);
}

describe('équipe et messages', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  test('le cadre change le référent en le choisissant par son nom', { timeout: 120_000 }, async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    try {
      await login(page, 'cadre');
      await page.goto('/');
      await follow(page, page.locator('.mes-personnes ul.personnes a').first());
      const id = new URL(page.url()).pathname.split('/')[2];
      assert.match(id, /^\d+$/);
      await page.goto(`/usagers/${id}/equipe`);
      assert.equal(await page.locator('#equipe-titre').count(), 1);
      const avant = await page.locator('.equipe-referent').innerText();
      assert.match(avant, /^Référent :/);
      await scan(t, page, 'équipe (cadre, 360 px)');
      await t.test('360 px : équipe', () => checkNoHorizontalOverflow(page, 'équipe'));

      // Chosen by name: the search narrows the list to the nurse.
      await page.getByLabel('Chercher un professionnel par son nom').fill('Ferreira');
      await submit(page, page.getByRole('button', { name: 'Chercher' }).first());
      const option = page.locator('#m-utilisateur_id option', { hasText: 'FERREIRA Inès' });
      assert.equal(await option.count(), 1, 'the nurse is offered by name');
      const value = await option.getAttribute('value');
      await page.locator('#m-utilisateur_id').selectOption(value);
      await page.locator('#m-fonction').selectOption('infirmier');
      await page.locator('#m-place').check();
      // A start tomorrow: refused in place, next to the field.
      await page.locator('#m-debut').fill(isoDay(1));
      await submit(page, page.getByRole('button', { name: "Ajouter à l'équipe" }));
      const resume = page.locator('#erreurs-resume');
      assert.equal(await resume.count(), 1);
      assert.match(await resume.innerText(), /futur/);
      assert.equal(await page.locator('#m-debut').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#m-utilisateur_id').inputValue(), value, 'the choice is kept');
      await scan(t, page, 'équipe, début refusé (cadre, 360 px)');
      await t.test('360 px : équipe, refus', () => checkNoHorizontalOverflow(page, 'équipe refus'));

      // Today: the referent changes, the former one is in the history.
      await page.locator('#m-debut').fill(isoDay(0));
      await submit(page, page.getByRole('button', { name: "Ajouter à l'équipe" }));
      assert.match(await page.locator('[role="status"]').first().innerText(), /Le référent a été changé/);
      assert.match(await page.locator('.equipe-referent').innerText(), /FERREIRA Inès/);
      const ancien = avant.replace(/^Référent :\s*/, '').split(' — ')[0].trim();
      const historique = page.locator('section:has(#historique-titre)');
      assert.ok((await historique.innerText()).includes(ancien), `former referent ${ancien} in the history`);
      await scan(t, page, 'équipe, référent changé (cadre, 360 px)');
    } finally {
      await page.context().close();
    }
  });

  test("l'éducatrice lit un message depuis sa page d'accueil", { timeout: 120_000 }, async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    try {
      await login(page, 'educateur');
      await page.goto('/');
      const compteur = page.locator('#messages-non-lus');
      const avant = Number((await compteur.innerText()).match(/^(\d+) messages? non lus?$/)?.[1]);
      assert.ok(avant >= 1, 'unread messages on the home page');
      await scan(t, page, 'accueil avec messages (éducatrice, 360 px)');
      await t.test('360 px : accueil (messages)', () => checkNoHorizontalOverflow(page, 'accueil messages'));
      const lien = page.locator('section:has(#messages-accueil-titre) ul a', { hasText: 'Réunion' }).first();
      await follow(page, lien);
      assert.match(new URL(page.url()).pathname, /^\/messages\/\d+$/);
      assert.match(await page.locator('h1').innerText(), /Réunion d'équipe/);
      await scan(t, page, 'message (éducatrice, 360 px)');
      await t.test('360 px : message', () => checkNoHorizontalOverflow(page, 'message'));
      await page.goto('/');
      const apres = (await compteur.innerText()).match(/^(\d+) messages? non lus?$/);
      const n = apres ? Number(apres[1]) : 0;
      assert.equal(n, avant - 1, 'the unread mark is cleared');
      // The message about a person of another service: no name.
      await page.goto('/messages');
      assert.match(await page.locator('main').innerText(), /Information sur un usager hors de votre périmètre/);
      await scan(t, page, 'messages reçus (éducatrice, 360 px)');
      await t.test('360 px : messages', () => checkNoHorizontalOverflow(page, 'messages'));
      await page.goto('/messages/nouveau');
      await scan(t, page, 'nouveau message (éducatrice, 360 px)');
      await t.test('360 px : nouveau message', () => checkNoHorizontalOverflow(page, 'nouveau message'));
    } finally {
      await page.context().close();
    }
  });
});
