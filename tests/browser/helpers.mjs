// Shared helpers for the browser journeys: start the real `dui` server on a fresh data
// directory, drive Debian's Chromium with playwright-core, log in through the real form,
// and check pages (axe-core accessibility scan, 360 px overflow, skip link).
//
// A journey file looks like:
//
//   import { describe, before, after, test } from 'node:test';
//   import { startServer, openBrowser, login, checkA11y } from './helpers.mjs';
//   describe('my journey', () => {
//     let server, browser, page;
//     before(async () => { server = await startServer(); browser = await openBrowser(); });
//     after(async () => { await browser?.close(); await server?.stop(); });
//     test('…', async () => {
//       page = await newPage(browser, server);
//       await login(page, 'secretariat');
//       await checkA11y(page, 'liste des usagers');
//     });
//   });

import { spawn } from 'node:child_process';
import { before, after } from 'node:test';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export { checkA11y } from './axe.mjs';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = join(HERE, 'artifacts');

/** Password of every demo account. */
export const DEMO_PASSWORD = 'Demo-DUI-2026!';

/** Demo accounts (username → first name shown on the home page, when known). */
export const DEMO_USERS = [
  'admin', 'direction', 'secretariat', 'cadre', 'educateur', 'aide-soignant', 'infirmier',
  'medecin', 'psychologue', 'intervenant', 'usager', 'proche',
];

/** Viewports used by the journeys. */
export const DESKTOP = { width: 1280, height: 900 };
export const MOBILE = { width: 360, height: 740 };

/** Path of the `dui` binary under test. */
export function duiBin() {
  if (process.env.DUI_BIN) return process.env.DUI_BIN;
  const target = process.env.CARGO_TARGET_DIR || '/root/.cache/dui-target';
  return join(target, 'debug', 'dui');
}

/** Path of the Chromium executable (Debian's package `chromium`). */
export function chromiumPath() {
  return process.env.CHROMIUM || '/usr/bin/chromium';
}

/** Chromium flags: without the network ones it stalls on a closed network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `dui serve --demo` on a free loopback port with a fresh temporary data directory
 * (SQLite), waits for /readyz and returns { baseURL, dataDir, logs(), stop() }.
 * Options: demo (default true), env (extra environment), args (extra CLI arguments),
 * readyTimeoutMs (default 60 s).
 */
export async function startServer({ demo = true, env = {}, args = [], readyTimeoutMs = 60_000 } = {}) {
  const bin = duiBin();
  if (!existsSync(bin)) {
    throw new Error(`binaire dui introuvable: ${bin} — lancez \`cargo build -p dui\` ou définissez DUI_BIN`);
  }
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'dui-browser-'));
    const cliArgs = ['serve', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir, ...(demo ? ['--demo'] : []), ...args];
    const child = spawn(bin, cliArgs, {
      env: { ...process.env, DUI_LOG: process.env.DUI_LOG || 'warn', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    let exited = null;
    child.on('exit', (code, signal) => { exited = { code, signal }; });
    const baseURL = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + readyTimeoutMs;
    let ready = false;
    while (Date.now() < deadline && !exited) {
      try {
        const res = await fetch(`${baseURL}/readyz`);
        if (res.ok) { ready = true; break; }
      } catch { /* not listening yet */ }
      await sleep(100);
    }
    const server = {
      baseURL,
      dataDir,
      process: child,
      logs: () => output,
      async stop() {
        if (!exited) {
          const done = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5_000);
          await done;
          clearTimeout(timer);
        }
        rmSync(dataDir, { recursive: true, force: true });
        // Keep the server's output for failure analysis (tests/browser/artifacts/, not in git).
        try {
          mkdirSync(ARTIFACTS, { recursive: true });
          writeFileSync(join(ARTIFACTS, `serveur-${basename(process.argv[1] || 'dui')}-${port}.log`), output);
        } catch { /* best effort */ }
      },
    };
    if (ready) return server;
    lastError = new Error(`dui n'est pas prêt sur ${baseURL} (${exited ? `sorti: ${JSON.stringify(exited)}` : 'délai dépassé'})\n${output}`);
    await server.stop();
    if (!exited || !/address|adresse|in use|utilis/i.test(output)) break; // retry only a port clash
  }
  throw lastError;
}

/** Launches headless Chromium (fresh temporary profile). */
export async function openBrowser() {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium introuvable (${executablePath}) : installez-le avec \`apt-get install chromium\` (ou définissez CHROMIUM)`);
  }
  // `launch` gives every browser a fresh, temporary --user-data-dir that it removes on close.
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/**
 * A new page in its own browser context (own cookies) bound to the server.
 * Collects JavaScript errors in `page.jsErrors`.
 */
export async function newPage(browser, server, { viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ baseURL: server.baseURL, viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  page.jsErrors = [];
  page.on('pageerror', (e) => page.jsErrors.push(String(e)));
  return page;
}

/** Logs in through the real form at /connexion; asserts the login succeeded. */
export async function login(page, username, password = DEMO_PASSWORD) {
  await page.goto('/connexion');
  await page.getByLabel('Identifiant').fill(username);
  await page.getByLabel('Mot de passe').fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/connexion', { waitUntil: 'load' }).catch(() => {}),
    page.getByRole('button', { name: 'Se connecter' }).click(),
  ]);
  const path = new URL(page.url()).pathname;
  if (path === '/connexion') {
    const alert = await page.locator('[role=alert]').allInnerTexts().catch(() => []);
    assert.fail(`échec de connexion de ${username}: toujours sur /connexion ${alert.join(' ')}`);
  }
}

/** Logs out with the « Se déconnecter » button; asserts we are back on /connexion. */
export async function logout(page) {
  await Promise.all([
    page.waitForURL('**/connexion**'),
    page.getByRole('button', { name: 'Se déconnecter' }).click(),
  ]);
  assert.equal(new URL(page.url()).pathname, '/connexion');
}

/** Follows a link of the main navigation by its accessible name and waits for the page. */
export async function navigate(page, name) {
  const link = page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name, exact: true });
  const target = new URL(await link.getAttribute('href'), page.url()).pathname;
  await link.click();
  await page.waitForURL((url) => url.pathname === target, { waitUntil: 'load' });
}

/** Clicks a link (a locator) and waits until the URL changed and the page loaded. */
export async function follow(page, locator) {
  const before = page.url();
  await locator.click();
  await page.waitForURL((url) => url.href !== before, { waitUntil: 'load' });
}

/** Text of the page's first-level heading. */
export async function heading(page) {
  return (await page.getByRole('heading', { level: 1 }).first().innerText()).trim();
}

/** Measures horizontal overflow: returns { ok, scrollWidth, innerWidth, culprits } (does not assert). */
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const scrollWidth = document.documentElement.scrollWidth;
    const culprits = [];
    if (scrollWidth > window.innerWidth + 1) {
      for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > vw + 1) {
          // Report the outermost overflowing elements only.
          if (!culprits.some((c) => c.el.contains(el))) {
            const id = el.id ? `#${el.id}` : '';
            const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
            culprits.push({ el, selector: `${el.tagName.toLowerCase()}${id}${cls}`, right: Math.round(r.right), text: (el.innerText || '').trim().slice(0, 60) });
          }
        }
        if (culprits.length >= 5) break;
      }
    }
    return {
      ok: scrollWidth <= window.innerWidth + 1,
      scrollWidth,
      innerWidth: window.innerWidth,
      culprits: culprits.map(({ selector, right, text }) => ({ selector, right, text })),
    };
  });
}

/** Asserts the page does not scroll horizontally (run it with the MOBILE viewport). */
export async function checkNoHorizontalOverflow(page, label) {
  const r = await horizontalOverflow(page);
  if (!r.ok) {
    const shot = await screenshot(page, `360-${label}`);
    const culprits = r.culprits.map((c) => `${c.selector} (bord droit ${c.right} px${c.text ? `, « ${c.text} »` : ''})`).join(', ');
    assert.fail(`« ${label} » (${new URL(page.url()).pathname}) défile horizontalement : largeur ${r.scrollWidth} px > ${r.innerWidth} px ; éléments qui dépassent : ${culprits || '?'}${shot ? ` ; capture ${shot}` : ''}`);
  }
}

/** Saves a screenshot under tests/browser/artifacts/ (ignored by git); returns its path. */
export async function screenshot(page, name) {
  try {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  } catch {
    return null;
  }
}

/**
 * The first Tab from the top of the page focuses the skip link « Aller au contenu », and
 * activating it moves focus to the main content. Returns a list of problems (empty: fine).
 */
export async function skipLinkProblems(page) {
  const problems = [];
  // Start from the top of the document as a keyboard user arriving on the page would,
  // unless the page moved focus itself (autofocus), which is reported.
  const autofocused = await page.evaluate(() => {
    const a = document.activeElement;
    return a && a !== document.body ? (a.id ? `#${a.id}` : a.tagName.toLowerCase()) : null;
  });
  if (autofocused) {
    problems.push(`le focus initial est déjà sur ${autofocused} (autofocus) : la première tabulation ne passe pas par le lien d'évitement`);
  }
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => {
    const a = document.activeElement;
    if (!a) return null;
    const style = getComputedStyle(a);
    const r = a.getBoundingClientRect();
    return { text: (a.innerText || a.textContent || '').trim(), href: a.getAttribute('href'), visible: r.width > 0 && r.height > 0 && r.top >= 0 && style.visibility !== 'hidden' };
  });
  if (!focused || focused.text !== 'Aller au contenu') {
    problems.push(`première tabulation sur « ${focused ? focused.text : '(rien)'} » au lieu de « Aller au contenu »`);
    return problems;
  }
  if (!focused.visible) problems.push('le lien « Aller au contenu » reste invisible quand il a le focus');
  await page.keyboard.press('Enter');
  const target = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (target !== 'contenu') problems.push(`activer « Aller au contenu » met le focus sur « ${target || '(rien)'} » au lieu de #contenu`);
  return problems;
}

/** Clicks `button` (a form's submit button) and waits for the page the form leads to. */
export async function submit(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

/**
 * A demo server and a browser for the tests of the enclosing `describe`: started before them,
 * stopped after. Read `suite.server` and `suite.browser` inside the tests.
 */
export function demoSuite(options) {
  const suite = {};
  before(async () => {
    suite.server = await startServer(options);
    suite.browser = await openBrowser();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });
  return suite;
}
