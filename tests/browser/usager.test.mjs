// Usager journeys: a secretary creates an usager, meets the duplicate warning, completes the
// identity and the circle, opens the synthesis sheet; an educator outside the scope uses
// break-the-glass; the referent sees who opened the file. Every page is scanned by axe-core.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, navigate, heading,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

/** A 1×1 PNG portrait. */
const PORTRAIT = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** Submits the form containing `button` and waits for the next page. */
async function submit(page, button) {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

describe('usager', () => {
  const suite = demoSuite();
  let fileUrl;

  async function scan(t, page, label) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
  }

  test('secrétariat : création, doublon, entourage, fiche de synthèse', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    await login(page, 'secretariat');
    await navigate(page, 'Usagers');
    assert.equal(await heading(page), 'Usagers');

    // Live search (htmx) finds the demo usager by a prefix of her first name, without accents.
    await page.getByLabel(/Rechercher/).fill('helene dup');
    await page.locator('#resultats').getByRole('link', { name: /DUPONT|MARTIN/ }).first().waitFor();
    await scan(t, page, 'recherche des usagers');

    await page.goto('/usagers/nouveau');
    assert.equal(await heading(page), 'Nouvel usager');
    await scan(t, page, 'nouvel usager');

    // An invalid NIR key is refused with a French message, and nothing is created.
    await page.getByLabel('Nom de naissance').fill('Dupont');
    await page.getByLabel(/Prénoms de naissance/).fill('Hélène Marie');
    await page.getByLabel(/Date de naissance/).fill('12/04/1938');
    await page.getByLabel('Sexe').selectOption('F');
    await page.getByLabel(/NIR/).fill('2380475056123 45');
    // No établissement is preset for an account of several (issue 16, item 11).
    await page.getByLabel('Établissement ou service').selectOption({ label: 'EHPAD Les Tilleuls' });
    await submit(page, page.getByRole('button', { name: 'Créer le dossier' }));
    await page.getByText(/un chiffre a sans doute été mal tapé/).first().waitFor();
    await scan(t, page, 'nouvel usager avec erreurs');

    // Without the NIR: the demo file of Hélène DUPONT (same birth date) is a probable duplicate.
    await page.getByLabel(/NIR/).fill('');
    await submit(page, page.getByRole('button', { name: 'Créer le dossier' }));
    await page.getByRole('heading', { name: /Doublon probable/ }).waitFor();
    assert.match(await page.locator('#doublons-titre').locator('..').innerText(), /U0000001/);
    await scan(t, page, 'avertissement de doublon');

    // The secretary checked: another person. The file is created, flagged as an homonym.
    await page.getByLabel(/il s'agit d'une autre personne/).check();
    await submit(page, page.getByRole('button', { name: 'Créer le dossier' }));
    assert.match(new URL(page.url()).pathname, /^\/usagers\/\d+$/);
    fileUrl = new URL(page.url()).pathname;
    await page.getByText('Identité provisoire').first().waitFor();
    await page.getByText('Homonyme').first().waitFor();
    await scan(t, page, 'dossier de l\'usager');

    // Identity document checked: the status becomes « validée ».
    await page.getByLabel("Justificatif d'identité présenté").selectOption('passeport');
    await submit(page, page.getByRole('button', { name: 'Enregistrer la vérification du justificatif' }));
    await page.getByText('Identité validée').first().waitFor();

    // A photo (sent as a multipart form, its token first) appears in the file's header.
    await page.getByLabel('Ajouter une photo').setInputFiles({ name: 'portrait.png', mimeType: 'image/png', buffer: PORTRAIT });
    await submit(page, page.getByRole('button', { name: 'Enregistrer la photo' }));
    await page.getByText('La photo a été enregistrée.').waitFor();
    const photo = page.getByRole('img', { name: /^Photo de/ });
    await photo.waitFor();
    assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth === 1), 'la photo se charge');
    await scan(t, page, 'dossier avec photo');

    // Circle: a guardian under tutelle, and the personne de confiance.
    await page.getByRole('link', { name: 'Entourage' }).click();
    await page.waitForURL(`**${fileUrl}/entourage`);
    await scan(t, page, 'entourage');
    const circle = page.getByRole('region', { name: 'Entourage' });
    await circle.getByLabel('Nom', { exact: true }).fill('Lefèvre');
    await circle.getByLabel('Prénom', { exact: true }).fill('Jérôme');
    await circle.getByLabel("Lien avec l'usager").selectOption('tuteur');
    await circle.getByLabel(/Mesure de protection/).selectOption('TUTELLE');
    await circle.getByLabel('Début de la mesure').fill('2023-05-10');
    await circle.getByLabel('Téléphone').fill('06 12 34 56 78');
    // A measure ending before it begins: refused in place, by the end's field, in French.
    await circle.getByLabel('Fin de la mesure').fill('2020-01-31');
    await submit(page, circle.getByRole('button', { name: 'Ajouter', exact: true }));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'erreurs-resume');
    assert.match(await page.locator('#erreurs-resume').innerText(), /Le formulaire contient 1 erreur\b/);
    assert.doesNotMatch(await page.locator('#erreurs-resume').innerText(), /mesure_fin|Code :/);
    assert.match(await page.locator('#e-mesure_fin-err').innerText(), /\S/);
    assert.equal(await page.getByRole('region', { name: 'Entourage' }).getByLabel('Nom', { exact: true }).inputValue(), 'Lefèvre');
    await scan(t, page, 'entourage refusé en place');
    await page.getByRole('region', { name: 'Entourage' }).getByLabel('Fin de la mesure').fill('');
    await submit(page, page.getByRole('region', { name: 'Entourage' }).getByRole('button', { name: 'Ajouter', exact: true }));
    await page.getByText('La personne a été ajoutée à l\'entourage.').waitFor();
    await page.getByRole('cell', { name: 'LEFÈVRE Jérôme', exact: true }).waitFor();

    // The synthesis sheet gathers identity, stay, legal protection and contacts.
    await page.getByRole('link', { name: 'Fiche de synthèse' }).click();
    await page.waitForURL(`**${fileUrl}/synthese`);
    const sheet = await page.locator('article.synthese').innerText();
    assert.match(sheet, /Fiche de synthèse/);
    assert.match(sheet, /DUPONT/);
    assert.match(sheet, /Tutelle — LEFÈVRE Jérôme/);
    assert.match(sheet, /EHPAD Les Tilleuls/);
    assert.match(sheet, /Identité validée/);
    await scan(t, page, 'fiche de synthèse');

    // The secretary is neither direction nor referent: no traceability tab.
    assert.equal(await page.getByRole('link', { name: 'Traçabilité' }).count(), 0);
    await page.context().close();
  });

  test('éducateur hors périmètre : accès exceptionnel motivé, visible par la direction', async (t) => {
    const page = await newPage(suite.browser, suite.server);
    await login(page, 'educateur');
    // Hélène DUPONT (U0000001) lives at the EHPAD, where the educator does not work.
    const res = await page.goto('/usagers/1');
    assert.equal(res.status(), 403);
    assert.equal(await heading(page), 'Dossier hors de votre périmètre');
    await scan(t, page, 'dossier hors périmètre');
    await page.getByLabel("Motif de l'accès").fill('Remplacement de nuit à l\'EHPAD, chute signalée par l\'équipe');
    await submit(page, page.getByRole('button', { name: 'Ouvrir le dossier exceptionnellement' }));
    assert.equal(new URL(page.url()).pathname, '/usagers/1');
    await page.getByText('Accès exceptionnel en cours').waitFor();
    await page.context().close();

    // The referent (cadre) sees who opened the file, the exceptional access highlighted.
    const cadre = await newPage(suite.browser, suite.server);
    await login(cadre, 'cadre');
    await cadre.goto('/usagers/1/tracabilite');
    assert.equal(await cadre.getByRole('heading', { name: 'Qui a consulté ou modifié ce dossier' }).count(), 1);
    const rows = await cadre.locator('tr.ligne-exceptionnel').allInnerTexts();
    // People are named (name and role), not by their account (issue 16, item 8).
    assert.ok(rows.some((r) => r.includes('(Éducateur / accompagnant)')), `accès exceptionnel absent de la traçabilité : ${rows.join(' | ')}`);
    await scan(t, cadre, 'traçabilité du dossier');
    await cadre.context().close();
  });

  test('dossier et fiche de synthèse lisibles à 360 px', async () => {
    assert.ok(fileUrl, 'le dossier créé par le premier parcours est nécessaire');
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(page, 'secretariat');
    for (const path of [fileUrl, `${fileUrl}/entourage`, `${fileUrl}/synthese`, '/usagers?q=dupont', '/usagers/nouveau']) {
      await page.goto(path);
      await checkNoHorizontalOverflow(page, path);
    }
    await page.context().close();
  });
});
