// INSi from the file (demo simulator): a secretary retrieves the INS of a new file; a second
// file created for the same person (« une autre personne » after the warning) is refused the
// same INS, and the file page says in place which file holds it, with a link and the merge
// (the error summary takes the focus). Every page is scanned by axe-core and fits in 360 px.

import { describe, after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, submit,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

/** Creates the file of DUPONT Hélène Marie, 12/03/1979, born in 51215 (a simulator identity). */
async function createDupont(page, confirm) {
  await page.goto('/usagers/nouveau');
  await page.getByLabel('Nom de naissance').fill('Dupont');
  await page.getByLabel(/Prénoms de naissance/).fill('Hélène Marie');
  await page.getByLabel(/Date de naissance/).fill('12/03/1979');
  await page.getByLabel('Sexe').selectOption('F');
  await page.getByLabel(/Lieu de naissance/).fill('51215');
  // No établissement is preset for an account of several (issue 16, item 11).
  await page.getByLabel('Établissement ou service').selectOption({ label: 'EHPAD Les Tilleuls' });
  if (confirm) {
    await submit(page, page.getByRole('button', { name: 'Créer le dossier' }));
    await page.getByRole('heading', { name: /Doublon probable/ }).waitFor();
    await page.getByLabel(/il s'agit d'une autre personne/).check();
  }
  await submit(page, page.getByRole('button', { name: 'Créer le dossier' }));
  assert.match(new URL(page.url()).pathname, /^\/usagers\/\d+$/);
  return new URL(page.url()).pathname;
}

describe('insi', () => {
  const suite = demoSuite();

  test('une INS déjà attribuée : le dossier qui la détient, son lien et la fusion', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    await login(page, 'secretariat');
    const first = await createDupont(page, false);
    await submit(page, page.getByRole('button', { name: 'Interroger le téléservice INSi' }));
    await page.getByText('Identité récupérée').first().waitFor();
    // The success is confirmed on the file page.
    await page.getByRole('status').filter({ hasText: /INSi a renvoyé l'INS/ }).waitFor();

    const second = await createDupont(page, true);
    assert.notEqual(second, first);
    await submit(page, page.getByRole('button', { name: 'Interroger le téléservice INSi' }));
    // In place: the file page again, the summary focused, the file holding the INS and the merge.
    assert.equal(new URL(page.url()).pathname, `${second}/identite/insi`);
    const resume = page.locator('#erreurs-resume');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'erreurs-resume');
    const numero = `U${first.split('/').pop().padStart(7, '0')}`;
    assert.match(await resume.innerText(), new RegExp(`déjà celle du dossier ${numero}`));
    assert.doesNotMatch(await page.locator('main').innerText(), /Code : 409/);
    assert.equal(await resume.getByRole('link', { name: `Ouvrir le dossier ${numero} pour comparer` }).getAttribute('href'), first);
    await resume.getByRole('button', { name: new RegExp(`C'est la même personne : fusionner ce dossier dans le dossier ${numero}`) }).waitFor();
    await t.test('accessibilité : INS déjà attribuée', known('accessibilité : INS déjà attribuée'), () => checkA11y(page, 'INS déjà attribuée'));

    // The second file is unchanged: still provisional, no INS.
    await page.goto(second);
    await page.getByText('Identité provisoire').first().waitFor();

    // At 360 px the page fits.
    const small = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(small, 'secretariat');
    await small.goto(second);
    await submit(small, small.getByRole('button', { name: 'Interroger le téléservice INSi' }));
    await small.locator('#erreurs-resume').waitFor();
    await checkNoHorizontalOverflow(small, 'INS déjà attribuée (360 px)');
    await small.context().close();
    await page.context().close();
  });
});
