// Shared set-up of the browser suites: one headless Chromium (phone-sized, touch) per
// suite file, and a page opener that collects console and page errors.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.ALLOT_URL;
export const SHOTS = process.env.ALLOT_SHOTS || join(tmpdir(), 'allot-shots');
mkdirSync(SHOTS, { recursive: true });

/** `options` are extra Playwright context options (the accessibility suite sets
 * `bypassCSP`, to inject axe into a page whose CSP forbids inline script). */
export async function launch(options = {}) {
  assert.ok(BASE, 'ALLOT_URL must point at a running worker');
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'allot-chromium-')), {
    ...options,
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    isMobile: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Opens the portal and collects console errors and page errors. */
export async function open(context, path = '/') {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(BASE + path);
  return { page, problems };
}

/** Holds back the answers to requests matching `pattern`. `reached()` settles once the first
 * such request is held (or rejects 15 s after the call, naming the pattern);
 * `release()` lets every held request through and settles with the status of the first
 * answer once the page has it. The handler fetches and fulfils itself rather than leaving
 * the test to catch a `response` event, so no answer can slip past the test. */
export async function holdBack(page, pattern) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let reachedNow;
  const reachedOnce = new Promise((resolve) => { reachedNow = resolve; });
  let deliveredNow;
  const delivered = new Promise((resolve) => { deliveredNow = resolve; });
  await page.route(pattern, async (route) => {
    reachedNow();
    await held;
    // A request of a document since reloaded has nobody left to answer.
    try {
      const response = await route.fetch();
      await route.fulfill({ response });
      deliveredNow(response.status());
    } catch { /* the page went away */ }
  });
  const reached = () => Promise.race([reachedOnce, new Promise((_, reject) => setTimeout(
    () => reject(new Error(`the page did not ask for ${pattern} within 15 s`)), 15000))]);
  return { reached, release: () => { release(); return delivered; } };
}
