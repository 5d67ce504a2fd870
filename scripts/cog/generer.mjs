#!/usr/bin/env node
// Regenerates crates/domain/data/lieux_naissance.tsv, the birthplaces chosen by name
// (issue 16, item 4): the communes of the Code officiel géographique with their communes
// déléguées and associées, the municipal arrondissements, the former codes of merged
// communes, and the foreign countries (99 + INSEE country code).
//
// Usage (from the repository root):
//   npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-decoupage-administratif-6.0.0.tgz
//   node scripts/cog/generer.mjs package/data/communes.json scripts/cog/pays.tsv > crates/domain/data/lieux_naissance.tsv
//
// Output: one line per code, tab-separated: code, name, département, kind, current commune.
//   kind A: commune actuelle; R: arrondissement municipal; D: commune déléguée or associée
//   (current commune in the last column); X: former code of a commune merged into the
//   current one, no name of its own; P: foreign country or territory.
// Communes are ordered by population (largest first), so that a name typed finds the
// largest town first; then déléguées, former codes and countries.
import { readFileSync } from "node:fs";

const [communesPath, paysPath] = process.argv.slice(2);
if (!communesPath || !paysPath) {
  console.error("usage: node generer.mjs communes.json pays.tsv");
  process.exit(2);
}
const communes = JSON.parse(readFileSync(communesPath, "utf8"));
const pays = readFileSync(paysPath, "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
const pkg = JSON.parse(readFileSync(communesPath.replace(/data\/communes\.json$/, "package.json"), "utf8"));

const clean = (s) => s.replace(/[\t\n]/g, " ");
const out = [];
out.push("# Lieux de naissance : communes du Code officiel géographique (INSEE) et pays étrangers.");
out.push(`# Communes : paquet npm @etalab/decoupage-administratif ${pkg.version} (données INSEE, Licence Ouverte 2.0 ; paquet MIT).`);
out.push("# Pays : INSEE, COG, pays et territoires étrangers (Licence Ouverte 2.0), scripts/cog/pays.tsv.");
out.push(`# Généré par scripts/cog/generer.mjs le ${new Date().toISOString().slice(0, 10)}. Colonnes : code, nom, département, type (A R D X P), commune actuelle.`);
const seen = new Set();
const actuelles = communes
  .filter((c) => c.type === "commune-actuelle" || c.type === "arrondissement-municipal")
  .sort((a, b) => (b.population || 0) - (a.population || 0) || a.code.localeCompare(b.code));
for (const c of actuelles) {
  out.push([c.code, clean(c.nom), c.departement, c.type === "commune-actuelle" ? "A" : "R", c.commune || ""].join("\t"));
  seen.add(c.code);
}
for (const c of communes.filter((c) => c.type === "commune-deleguee" || c.type === "commune-associee")) {
  out.push([c.code, clean(c.nom), c.departement, "D", c.chefLieu].join("\t"));
}
for (const c of communes.filter((c) => c.type === "commune-actuelle")) {
  for (const ancien of c.anciensCodes || []) {
    if (seen.has(ancien) || communes.some((d) => d.code === ancien && d.type !== "commune-actuelle")) continue;
    seen.add(ancien);
    out.push([ancien, "", ancien.slice(0, ancien.startsWith("97") ? 3 : 2), "X", c.code].join("\t"));
  }
}
for (const l of pays) {
  const [code, nom] = l.split("\t");
  out.push([code, clean(nom), "99", "P", ""].join("\t"));
}
process.stdout.write(out.join("\n") + "\n");
