// Known, reported problems that must not block CI while they are being fixed.
//
// Each entry maps the exact name of a browser subtest (as printed by `node --test`, e.g.
// "accessibilité : journal d'audit" or "lien d'évitement : /connexion") to the reason / issue.
// Such a subtest still runs and prints its failure, marked TODO: node counts it under
// `# todo`, neither passed nor failed. Remove the entry as soon as the fix lands.
// Keep this list empty whenever possible: an entry is a known accessibility debt.

export const KNOWN_ISSUES = {
};

/** Options for `t.test(name, options, fn)`: `{ todo: reason }` for a known issue. */
export function known(name) {
  const reason = KNOWN_ISSUES[name];
  return reason ? { todo: reason } : {};
}
