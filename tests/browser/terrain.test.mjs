// Field staff on a phone (issue 16): a care aide, an educator and a home-care worker each
// reach their people in one tap from the home page at 360 px (search box focused); the
// file header is compact (identity details folded, tabs on one scrolling row); an
// educator's exact search outside their scope offers the exceptional access, typed with
// the keyboard only, and the direction then reads the person's name; the secretary
// compares two identities side by side, merges and undoes; the synthesis sheet prints its
// establishment header and who printed it. Every page is scanned by axe-core.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, logout, heading, follow,
  checkA11y, checkNoHorizontalOverflow, MOBILE, DESKTOP,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

describe('terrain', () => {
  const suite = demoSuite();

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  const phoneAs = async (username) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(page, username);
    await page.goto('/');
    return page;
  };

  for (const [username, titre] of [
    ['aide-soignant', /accompagnées aujourd'hui/],
    ['educateur', /accompagnées aujourd'hui/],
    ['intervenant', /que j'accompagne/],
  ]) {
    test(`${username} : ses personnes à un geste de l'accueil, sur un téléphone`, async (t) => {
      const page = await phoneAs(username);
      const panel = page.locator('section.mes-personnes');
      assert.match(await panel.getByRole('heading', { level: 2 }).innerText(), titre);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'q-accueil', 'the search box has the focus');
      const people = panel.locator('ul.personnes a');
      assert.ok(await people.count() >= 1, 'the home page lists people');
      // Compact: one or two lines per person, not 6-line cards.
      const h = await people.first().evaluate((a) => a.getBoundingClientRect().height);
      assert.ok(h < 110, `a person's line is ${h} px high`);
      await scan(t, page, `accueil (${username}, 360 px)`);
      await t.test(`360 px : accueil (${username})`, () => checkNoHorizontalOverflow(page, 'accueil'));
      const nom = (await people.first().locator('.personne-nom').innerText()).trim();
      await follow(page, people.first());
      assert.match(new URL(page.url()).pathname, /^\/usagers\/\d+$/);
      assert.ok(nom.startsWith((await heading(page)).split(' ')[0]), `the file of ${nom} is open`);
      // The header: identity details folded, tabs on one row that scrolls.
      assert.equal(await page.locator('details.entete-details').getAttribute('open'), null);
      const tabs = page.locator('.onglets-conteneur .onglets a');
      const tops = new Set(await tabs.evaluateAll((as) => as.map((a) => Math.round(a.getBoundingClientRect().top))));
      assert.equal(tops.size, 1, 'the tabs are on one row');
      const header = await page.locator('.entete-dossier').evaluate((e) => e.getBoundingClientRect().height);
      assert.ok(header < 420, `the header is ${header} px high at 360 px`);
      await scan(t, page, `dossier (${username}, 360 px)`);
      await t.test(`360 px : dossier (${username})`, () => checkNoHorizontalOverflow(page, 'dossier'));
      await page.context().close();
    });
  }

  test('le proche à appeler, en lien tel:', async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(page, 'aide-soignant');
    // A generated resident with a relative to warn (Hélène has none).
    const people = page.locator('section.mes-personnes ul.personnes a');
    let found = false;
    for (let i = 1; i < Math.min(await people.count(), 8) && !found; i++) {
      await page.goto('/');
      await follow(page, people.nth(i));
      found = await page.locator('.entete-appel a[href^="tel:"]').count() > 0;
    }
    assert.ok(found, 'a file header offers the person to call');
    const href = await page.locator('.entete-appel a[href^="tel:"]').getAttribute('href');
    assert.match(href, /^tel:\+?\d{10,}$/);
    await page.goto(new URL(page.url()).pathname + '/entourage');
    assert.ok(await page.locator('td a[href^="tel:"]').count() >= 1, 'relatives\' numbers are tel: links');
    await scan(t, page, 'entourage (360 px)');
    await page.context().close();
  });

  test('bris de glace proposé par une recherche exacte, au clavier', async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: DESKTOP });
    await login(page, 'educateur');
    await page.goto('/usagers?q=' + encodeURIComponent('DUPONT Hélène 12/04/1938'));
    const offre = page.locator('.hors-perimetre-offre');
    await offre.waitFor();
    assert.match(await offre.innerText(), /Un dossier correspond à cette identité, hors de votre périmètre/);
    assert.doesNotMatch(await page.locator('main').innerText(), /MARTIN|pénicilline/, 'nothing of the file before access');
    await scan(t, page, 'recherche hors périmètre');
    await follow(page, offre.getByRole('link', { name: 'Demander un accès exceptionnel' }));
    // Keyboard only: the reason, the duration, the button.
    await page.locator('#motif').focus();
    await page.keyboard.type('Remplacement de nuit, appel de l\'infirmière de garde');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    // The form is on /usagers/1 already: wait for the opened file, not for the address.
    await page.keyboard.press('Enter');
    await page.locator('.entete-dossier').getByText('Accès exceptionnel en cours').waitFor();
    assert.equal(new URL(page.url()).pathname, '/usagers/1');
    assert.match(await heading(page), /MARTIN Hélène/);
    assert.match(await page.locator('.entete-dossier').innerText(), /Accès exceptionnel en cours/);
    await logout(page);
    await login(page, 'direction');
    const acces = page.locator('tr.ligne-exceptionnel').first();
    assert.match(await acces.innerText(), /MARTIN Hélène/);
    assert.match(await acces.innerText(), /ÉLUARD Élodie/);
    assert.match(await acces.innerText(), /Remplacement de nuit/);
    await page.goto('/usagers/1/tracabilite');
    assert.match(await page.locator('tbody').innerText(), /ÉLUARD Élodie \(/, 'the traceability page names people');
    await scan(t, page, 'traçabilité nommée');
    await page.context().close();
  });

  test('fusion choisie par le nom, identités côte à côte, annulation', async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: DESKTOP });
    await login(page, 'secretariat');
    await page.goto('/usagers/1');
    await follow(page, page.getByRole('link', { name: 'Fusionner un doublon dans ce dossier' }));
    // Find another file by a name of the demo.
    await page.goto('/usagers/1/fusion?q=' + encodeURIComponent('a'));
    const candidats = page.locator('ul.personnes a');
    assert.ok(await candidats.count() >= 1, 'candidates are listed by name');
    await follow(page, candidats.first());
    const table = page.locator('table.comparaison');
    await table.waitFor();
    assert.ok(await table.locator('tr.ecart').count() >= 1, 'differences are marked');
    await scan(t, page, 'comparaison de deux identités');
    const m = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(m, 'secretariat');
    await m.goto(new URL(page.url()).pathname + new URL(page.url()).search);
    await t.test('360 px : comparaison', () => checkNoHorizontalOverflow(m, 'comparaison'));
    await m.context().close();
    page.once('dialog', (d) => d.accept());
    await submit(page, page.getByRole('button', { name: /^Fusionner le dossier U\d+ dans ce dossier$/ }));
    assert.match(new URL(page.url()).pathname, /\/usagers\/1\/fusion$/);
    const undo = page.getByRole('button', { name: /Annuler la fusion/ }).first();
    await undo.waitFor();
    page.once('dialog', (d) => d.accept());
    await submit(page, undo);
    assert.match(await page.locator('#fusions-titre + ul').innerText(), /fusion annulée/);
    await scan(t, page, 'fusions et annulation');
    await page.context().close();
  });

  test('référent choisi par son nom ; fiche de synthèse imprimée', async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: DESKTOP });
    await login(page, 'secretariat');
    await page.goto('/usagers/1/identite');
    const choix = page.locator('#referent_id option:checked');
    assert.match(await choix.innerText(), /CADET Claire \(Cadre/, 'the referent is shown by name and role');
    await scan(t, page, 'identité avec référent');
    await page.goto('/usagers/1/synthese');
    await page.emulateMedia({ media: 'print' });
    const printed = await page.locator('main').innerText();
    assert.match(printed, /EHPAD Les Tilleuls/);
    assert.match(printed, /Imprimé par SÉGUIN Sophie \(Secrétariat/);
    assert.equal((printed.match(/Nom de naissance/g) || []).length, 1, 'the identity prints once');
    assert.doesNotMatch(printed, /\)\)/);
    await page.context().close();
  });
});
