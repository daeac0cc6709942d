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
