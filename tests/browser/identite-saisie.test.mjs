// The identity forms as a secretary uses them (issue 16, items 2, 3, 4, 9, 10, 11): keyboard
// only, errors shown in place (summary focused, each message next to its field, what was typed
// kept), a NIR that contradicts the identity refused with the part named, the birthplace chosen
// by name, no default justificatif and a reason for a doubt, and the search as people type.
// Every page is scanned by axe-core at 1280 px and 360 px.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, submit, checkA11y, checkNoHorizontalOverflow, MOBILE, demoSuite,
} from './helpers.mjs';

/** Types `text` into the focused field, then Tab to the next one. */
async function saisir(page, text) {
  if (text) await page.keyboard.type(text);
  await page.keyboard.press('Tab');
}

/** A NIR body (13 digits) with its key: 97 - (body mod 97). */
function avecCle(corps) {
  const cle = 97n - (BigInt(corps) % 97n);
  return `${corps}${String(cle).padStart(2, '0')}`;
}

/** The id of the focused element. */
function focus(page) {
  return page.evaluate(() => document.activeElement?.id || '');
}

/** The new-file form, filled with the keyboard only from its first field. */
async function remplirAuClavier(page, { nir = '', lieu = '' } = {}) {
  await page.goto('/usagers/nouveau');
  await page.getByLabel('Nom de naissance').focus();
  await saisir(page, 'Moreau');
  await saisir(page, 'Jeanne Louise');
  await saisir(page, '03/05/1941');
  await page.keyboard.type('F'); // the sex: « Féminin »
  await page.keyboard.press('Tab');
  if (lieu) {
    await page.keyboard.type(lieu);
    await page.locator('#lieu_naissance-liste [role=option]').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
  }
  await page.keyboard.press('Tab');
  await saisir(page, ''); // nom utilisé
  await saisir(page, ''); // prénom utilisé
  if (nir) await page.keyboard.type(nir);
  // The établissement (none preset for an account of several): chosen by typing its name,
  // then back to the NIR, from which Enter submits the form.
  await page.keyboard.press('Tab');
  await page.keyboard.type('EHPAD');
  await page.keyboard.press('Shift+Tab');
}

describe('identité : saisie au clavier, erreurs en place, lieu de naissance, recherche', () => {
  const suite = demoSuite();

  test('un NIR qui contredit l\'identité : refusé en place, la partie nommée, la saisie gardée', async (t) => {
    for (const viewport of [undefined, MOBILE]) {
      const page = await newPage(suite.browser, suite.server, viewport ? { viewport } : {});
      await login(page, 'secretariat');
      // A man's NIR (first digit 1) for a woman born in May 1941 at Reims.
      await remplirAuClavier(page, { nir: avecCle('1410551454123'), lieu: 'Reims' });
      assert.equal(await page.getByLabel(/Lieu de naissance/).inputValue(), 'Reims (51)');
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
      assert.equal(await focus(page), 'erreurs-resume');
      const resume = page.locator('#erreurs-resume');
      assert.match(await resume.innerText(), /Le formulaire contient 1 erreur\b/);
      assert.doesNotMatch(await resume.innerText(), /erreur\(s\)|nir\b|Code :/);
      const nir = page.getByLabel(/NIR/);
      assert.equal(await nir.getAttribute('aria-invalid'), 'true');
      assert.equal(await nir.getAttribute('aria-describedby'), 'nir-err');
      const message = await page.locator('#nir-err').innerText();
      assert.match(message, /1er chiffre \(1\) est celui d'un homme, le sexe saisi est féminin/);
      // What was typed is kept, the birthplace by name.
      assert.equal(await page.getByLabel('Nom de naissance').inputValue(), 'Moreau');
      assert.equal(await page.getByLabel(/Lieu de naissance/).inputValue(), 'Reims (51)');
      const taille = viewport ? '360 px' : '1280 px';
      await t.test(`accessibilité : erreurs en place (${taille})`, () => checkA11y(page, `erreurs en place ${taille}`));
      if (viewport) await checkNoHorizontalOverflow(page, 'erreurs en place (360 px)');
      // The summary's link leads to the field.
      await resume.getByRole('link').first().click();
      assert.equal(await focus(page), 'nir');
      await page.context().close();
    }
  });

  test('le lieu de naissance choisi par son nom, la création confirmée, le NIR saisi non vérifié', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    await login(page, 'secretariat');
    // A NIR whose key does not match: a typo somewhere in the number.
    const bon = avecCle('2410551454123');
    const faux = `${bon.slice(0, 13)}${String((Number(bon.slice(13)) % 97) + 1).padStart(2, '0')}`;
    await remplirAuClavier(page, { nir: faux, lieu: 'Reims' });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    assert.match(await page.locator('#nir-err').innerText(), /un chiffre a sans doute été mal tapé/);
    // Without the NIR: created, confirmed, the birthplace shown by name.
    await page.getByLabel(/NIR/).fill('');
    await page.getByLabel(/NIR/).focus();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    assert.match(new URL(page.url()).pathname, /^\/usagers\/\d+$/);
    await page.getByRole('status').filter({ hasText: /Le dossier a été créé/ }).waitFor();
    assert.equal(await focus(page), 'confirmation');
    assert.doesNotMatch(page.url(), /fait=/);
    await page.getByText('Reims (51)').first().waitFor();
    assert.doesNotMatch(await page.locator('main').innerText(), /51454/);
    await t.test('accessibilité : dossier créé', () => checkA11y(page, 'dossier créé'));
    // The edit form shows the date as JJ/MM/AAAA and the birthplace by name.
    const id = new URL(page.url()).pathname;
    await page.goto(`${id}/identite`);
    assert.equal(await page.getByLabel(/Date de naissance/).inputValue(), '03/05/1941');
    assert.equal(await page.getByLabel(/Lieu de naissance/).inputValue(), 'Reims (51)');
    await page.context().close();
  });

  test('identitovigilance : aucun justificatif par défaut, un motif pour chaque signalement', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    await login(page, 'secretariat');
    await page.goto('/usagers/1');
    const select = page.getByLabel(/Justificatif d'identité présenté/);
    assert.equal(await select.inputValue(), '');
    await submit(page, page.getByRole('button', { name: 'Enregistrer la vérification du justificatif' }));
    assert.equal(await focus(page), 'erreurs-resume');
    assert.match(await page.locator('#type_justificatif-err').innerText(), /Choisissez le justificatif/);
    await t.test('accessibilité : justificatif manquant', () => checkA11y(page, 'justificatif manquant'));
    // A doubt without a reason is refused next to the reason.
    await page.getByText(/Signaler une identité douteuse ou fictive/).click();
    await submit(page, page.getByRole('button', { name: 'Signaler une identité douteuse', exact: true }));
    assert.match(await page.locator('#motif-err').innerText(), /Indiquez le motif/);
    await page.getByLabel(/Motif/).fill('Deux dates de naissance différentes sur les documents.');
    await submit(page, page.getByRole('button', { name: 'Signaler une identité douteuse', exact: true }));
    await page.getByRole('status').filter({ hasText: /attribut de l'identité a été enregistré/ }).waitFor();
    await page.context().close();
  });

  test('une photo refusée en place à 360 px, au clavier : le résumé a le focus, le message est près du champ', async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(page, 'secretariat');
    await page.goto('/usagers/1');
    // A GIF: not a format the file takes.
    await page.locator('input#photo').setInputFiles({
      name: 'portrait.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'),
    });
    await page.getByRole('button', { name: 'Enregistrer la photo' }).focus();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    assert.equal(await focus(page), 'erreurs-resume');
    const resume = page.locator('#erreurs-resume');
    assert.match(await resume.innerText(), /Le formulaire contient 1 erreur\b/);
    assert.doesNotMatch(await resume.innerText(), /Code :/);
    assert.match(await page.locator('#photo-err').innerText(), /JPEG et PNG/);
    const champ = page.locator('#photo');
    assert.equal(await champ.getAttribute('aria-invalid'), 'true');
    assert.match(await champ.getAttribute('aria-describedby'), /\bphoto-err\b/);
    await t.test('accessibilité : photo refusée (360 px)', () => checkA11y(page, 'photo refusée 360 px'));
    await checkNoHorizontalOverflow(page, 'photo refusée (360 px)');
    // The summary's link leads to the field, with the keyboard.
    await resume.getByRole('link').first().focus();
    await page.keyboard.press('Enter');
    assert.equal(await focus(page), 'photo');
    await page.context().close();
  });

  test('la recherche au fil de la frappe : dates, sons, une seule entrée d\'historique, le nombre annoncé', async (t) => {
    for (const viewport of [undefined, MOBILE]) {
      const page = await newPage(suite.browser, suite.server, viewport ? { viewport } : {});
      await login(page, 'secretariat');
      await page.goto('/usagers');
      // Nothing typed: everyone of the scope, by pages.
      const annonce = page.locator('#resultats-annonce');
      assert.match(await annonce.innerText(), /usagers? trouvés?/);
      assert.ok(await page.locator('#resultats tbody tr').count() > 0);
      const avant = await page.evaluate(() => history.length);
      const q = page.getByLabel(/Rechercher/);
      assert.equal(await focus(page), 'q');
      for (const [texte, attendu] of [['12041938', /DUPONT|MARTIN/], ['04/1938', /DUPONT|MARTIN/], ['dupond', /nom approchant/]]) {
        await q.fill('');
        await page.keyboard.type(texte, { delay: 30 });
        await page.waitForFunction((t) => new URLSearchParams(location.search).get('q') === t, texte);
        await page.locator('#resultats').getByText(attendu).first().waitFor();
        assert.match(await annonce.innerText(), /usagers? trouvés?/);
        assert.equal(await annonce.getAttribute('role'), 'status');
      }
      // Each keystroke replaced the address: the history did not grow.
      assert.equal(await page.evaluate(() => history.length), avant);
      // A second first name that matched is named.
      await q.fill('');
      await page.keyboard.type('dupont marie', { delay: 30 });
      await page.locator('#resultats').getByText(/2e prénom de naissance : Marie/).first().waitFor();
      const taille = viewport ? '360 px' : '1280 px';
      await t.test(`accessibilité : recherche (${taille})`, () => checkA11y(page, `recherche ${taille}`));
      if (viewport) await checkNoHorizontalOverflow(page, 'recherche (360 px)');
      await page.context().close();
    }
  });
});
