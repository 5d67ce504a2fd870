// Journeys of issue 17's follow-up (helper h17ui):
// - the administrator publishes a custom grid from its JSON (a mistake is named with its
//   line), an educator of the IME uses it at once, then fills a SERAFIN-PH needs evaluation;
//   the direction validates it and the project's SERAFIN-PH picker offers the needs it found;
// - a nurse reads the unread count on her home page, filters her relève by author, person and
//   a precise period (Paris time), and marks it read.
// Every page is scanned by axe-core and must fit in 360 px where the journey runs at 360 px.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  newPage, login, logout, navigate, heading,
  checkA11y, checkNoHorizontalOverflow, MOBILE,
  demoSuite, submit,
} from './helpers.mjs';
import { known } from './known-issues.mjs';

/** Submits the form containing `button` and waits for the next page. */
const GRILLE = {
  id: 'sommeil-ime',
  version: '2026',
  titre: 'Qualité du sommeil (IME)',
  source: "Grille de l'établissement",
  questions: [
    { id: 'endormissement', libelle: 'Endormissement', type: 'choix', options: [
      { valeur: 'facile', libelle: 'Facile', score: 0 },
      { valeur: 'difficile', libelle: 'Difficile', score: 2 },
    ] },
    { id: 'reveils', libelle: 'Réveils nocturnes', type: 'nombre', min: 0, max: 10 },
  ],
  resultats: [{ id: 'score', libelle: 'Score de sommeil', interpretation: [
    { min: 4, libelle: 'sommeil perturbé' }, { min: 0, libelle: 'sommeil correct' },
  ] }],
};

describe('grilles et relève', () => {
  const suite = demoSuite();

  async function scan(t, page, label, mobile = false) {
    const name = `accessibilité : ${label}`;
    await t.test(name, known(name), () => checkA11y(page, label));
    if (mobile) {
      await t.test(`360 px : ${label}`, known(`360 px : ${label}`), () => checkNoHorizontalOverflow(page, label));
    }
  }

  test("l'administratrice publie une grille, un éducateur l'utilise ; besoins SERAFIN-PH jusqu'au projet", async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(page, 'admin');
    await navigate(page, 'Grilles');
    assert.equal(await heading(page), "Grilles d'évaluation");
    await page.getByText('Évaluation des besoins SERAFIN-PH').first().waitFor();
    await scan(t, page, 'grilles (administration)', true);

    // A comma missing on line 3: refused, the line is named, nothing published.
    const contenu = page.getByLabel('Ou contenu du fichier, collé');
    await contenu.fill('{\n  "id": "sommeil-ime"\n  "version": "1"\n}');
    await submit(page, page.getByRole('button', { name: 'Vérifier et publier' }));
    assert.match(await page.locator('main').innerText(), /ligne 3/);
    await page.goto('/admin/grilles');
    await page.getByLabel('Ou contenu du fichier, collé').fill(JSON.stringify(GRILLE, null, 2));
    await submit(page, page.getByRole('button', { name: 'Vérifier et publier' }));
    await page.getByText('« Qualité du sommeil (IME) » est publiée en version 2026').waitFor();
    await scan(t, page, 'grille publiée', true);
    await logout(page);

    // The educator of the IME evaluates with it at once.
    await login(page, 'educateur');
    await page.goto('/usagers?etablissement=2');
    const first = page.locator('main a[href^="/usagers/"]').filter({ hasNotText: 'Nouvel' }).first();
    const href = await first.getAttribute('href');
    const id = href.match(/\/usagers\/(\d+)/)[1];
    await page.goto(`/usagers/${id}/evaluations`);
    const sommeil = page.locator('section', { has: page.getByRole('heading', { name: /Nouvelle évaluation : Qualité du sommeil/ }) });
    await sommeil.getByText('Remplir la grille').click();
    await sommeil.getByLabel('Endormissement').selectOption('difficile');
    await sommeil.getByLabel(/Réveils nocturnes/).fill('3');
    await submit(page, sommeil.getByRole('button', { name: 'Enregistrer et calculer' }));
    await page.locator('tr', { hasText: 'Qualité du sommeil (IME) (version 2026)' }).getByText(/Score de sommeil : 5 \(sommeil perturbé\)/).waitFor();

    // A SERAFIN-PH needs evaluation: mobility, permanent need, with an observation.
    const serafin = page.locator('section', { has: page.getByRole('heading', { name: /Nouvelle évaluation : Évaluation des besoins SERAFIN-PH/ }) });
    await serafin.getByText('Remplir la grille').click();
    await serafin.getByLabel(/^1\.2\.1\.3 Besoins pour la mobilité/).selectOption('3');
    await serafin.getByLabel('Observations sur le besoin 1.2.1.3').fill('Fauteuil pour les sorties');
    await serafin.getByLabel(/^1\.3\.3\.1 Besoins en lien avec la vie scolaire/).selectOption('1');
    await submit(page, serafin.getByRole('button', { name: 'Enregistrer et calculer' }));
    const row = page.locator('tr', { hasText: 'Évaluation des besoins SERAFIN-PH' }).filter({ hasText: 'Brouillon' }).first();
    await row.getByText(/Besoins identifiés \(2\)/).click();
    await row.getByText('Besoin permanent ou intensif — Fauteuil pour les sorties').waitFor();
    await scan(t, page, 'évaluation des besoins SERAFIN-PH', true);
    await logout(page);

    // The direction validates it; the project's picker offers the needs found first.
    await login(page, 'direction');
    await page.goto(`/usagers/${id}/evaluations`);
    const draft = page.locator('tr', { hasText: 'Évaluation des besoins SERAFIN-PH' }).filter({ hasText: 'Brouillon' }).first();
    await submit(page, draft.getByRole('button', { name: /Valider/ }));
    await page.goto(`/usagers/${id}/projet`);
    const group = page.locator('#ob-serafin optgroup[label^="Besoins identifiés par l\'évaluation SERAFIN-PH"]');
    const options = await group.locator('option').allInnerTexts();
    assert.equal(options.length, 2, options.join(' | '));
    assert.match(options[0], /^1\.2\.1\.3 Besoins pour la mobilité \(Besoin permanent ou intensif\)/);
    await scan(t, page, 'projet avec besoins évalués', true);
  });

  test('une infirmière lit ses transmissions non lues et filtre sa relève', async (t) => {
    const page = await newPage(suite.browser, suite.server, { viewport: MOBILE });
    await login(page, 'infirmier');
    const compte = page.locator('#non-lues');
    assert.match(await compte.innerText(), /transmissions? non lues? depuis votre dernière relève/);
    await scan(t, page, 'accueil avec transmissions non lues', true);
    await Promise.all([page.waitForURL('**/releve?**'), compte.click()]);
    assert.equal(await heading(page), 'Relève');
    await page.locator('.releve-item').first().waitFor();
    await scan(t, page, 'relève depuis ma dernière relève', true);

    // By author: every item shown was written by her or him.
    const auteur = page.getByLabel('Auteur');
    const choix = (await auteur.locator('option').allInnerTexts()).filter((o) => o !== 'Tous les professionnels');
    assert.ok(choix.length > 0);
    await page.getByLabel('Période').selectOption('168');
    await auteur.selectOption({ label: choix[0] });
    await submit(page, page.getByRole('button', { name: 'Afficher' }));
    for (const text of await page.locator('.releve-item').allInnerTexts()) {
      assert.ok(text.includes(`par ${choix[0]}`), text);
    }

    // One person only, from an item; then a precise period (Paris time) around now.
    await page.getByLabel('Auteur').selectOption('');
    await submit(page, page.getByRole('button', { name: 'Afficher' }));
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('.releve-item').first().getByRole('link', { name: 'seulement cette personne' }).click(),
    ]);
    const personne = (await page.getByText(/^Personne : /).innerText()).replace(/^Personne : /, '').replace(/ — .*$/, '');
    for (const item of await page.locator('.releve-item').all()) {
      assert.equal((await item.locator('p strong a').innerText()).trim(), personne.trim());
    }
    const pad = (n) => String(n).padStart(2, '0');
    const paris = (d) => {
      const p = Object.fromEntries(new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .formatToParts(d).map((x) => [x.type, x.value]));
      return `${p.year}-${p.month}-${p.day}T${pad(p.hour)}:${p.minute}`;
    };
    const now = new Date();
    await page.getByLabel('Du', { exact: true }).fill(paris(new Date(now.getTime() - 7 * 24 * 3600 * 1000)));
    await page.getByLabel('Au', { exact: true }).fill(paris(new Date(now.getTime() + 3600 * 1000)));
    await submit(page, page.getByRole('button', { name: 'Afficher' }));
    assert.match(await page.locator('main').innerText(), /Écrites du \d\d\/\d\d\/\d{4} à \d\d:\d\d au/);
    await scan(t, page, 'relève filtrée', true);

    // All marked read: the home page counts none of them any more.
    await page.goto('/releve?heures=releve&non_lues=oui');
    while (await page.getByRole('button', { name: 'Tout marquer comme lu' }).count() > 0) {
      await submit(page, page.getByRole('button', { name: 'Tout marquer comme lu' }));
    }
    await page.goto('/');
    assert.match(await page.locator('#non-lues').innerText(), /Aucune transmission non lue/);
  });
});
