// Accessibility scan with axe-core (WCAG 2.0/2.1 A and AA rules) of the page as it is.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** Rule tags checked on every page. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe on the current page; returns the violations (does not assert). */
export async function axeViolations(page) {
  const injected = await page.evaluate(() => typeof window.axe !== 'undefined');
  // Evaluated through the DevTools protocol: the pages' CSP forbids inline scripts, which
  // `addScriptTag({content})` would add.
  if (!injected) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const results = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary })),
    }));
  }, AXE_TAGS);
}

/** Formats violations for a test failure message. */
export function formatViolations(label, url, violations) {
  const lines = [`${violations.length} violation(s) d'accessibilité sur « ${label} » (${url}) :`];
  for (const v of violations) {
    lines.push(`- [${v.id}] (${v.impact}) ${v.help} — ${v.helpUrl}`);
    for (const n of v.nodes.slice(0, 10)) {
      lines.push(`    cible: ${n.target}`);
      lines.push(`      html: ${n.html}`);
      if (n.summary) lines.push(`      ${n.summary.replace(/\n/g, '\n      ')}`);
    }
    if (v.nodes.length > 10) lines.push(`    … et ${v.nodes.length - 10} autre(s) élément(s)`);
  }
  return lines.join('\n');
}

/** Asserts the page has no axe violation; the failure message lists rule, impact, targets, help. */
export async function checkA11y(page, label) {
  const violations = await axeViolations(page);
  if (violations.length > 0) {
    const message = formatViolations(label, page.url(), violations);
    try {
      const { screenshot } = await import('./helpers.mjs');
      await screenshot(page, `a11y-${label}`);
    } catch { /* best effort */ }
    assert.fail(message);
  }
}
