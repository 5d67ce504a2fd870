// Known, reported problems that must not block CI while they are being fixed.
//
// Each entry maps the exact name of a browser subtest (as printed by `node --test`, e.g.
// "accessibilité : journal d'audit" or "lien d'évitement : /connexion") to the reason / issue.
// Such a subtest still runs and prints its failure, marked TODO: node counts it under
// `# todo`, neither passed nor failed. Remove the entry as soon as the fix lands.
// Keep this list empty whenever possible: an entry is a known accessibility debt.

export const KNOWN_ISSUES = {
  // Issue 13: once in three CI runs the offline reload got the new day (the coordinator's
  // reassignment included), so the late entry was refused, not a conflict: Chromium's
  // service workers are not always covered by Playwright's `setOffline`. The conflict rule
  // itself is tested on both engines (store `telegestion`).
  // Issue 13: in one CI run `navigator.serviceWorker.ready` never resolved and the journey
  // hung; it is bounded (90 s) and reported until the service worker's start is awaited
  // with its own timeout.
  'intervenant : sa journée sur un téléphone, hors connexion comprise': 'issue 13 : attente du service worker',
  'conflit signalé au retour du réseau': 'issue 13 : rechargement hors connexion servi par le réseau (service worker)',
};

/** Options for `t.test(name, options, fn)`: `{ todo: reason }` for a known issue. */
export function known(name) {
  const reason = KNOWN_ISSUES[name];
  return reason ? { todo: reason } : {};
}
