// The mobile page of a personal access link (`/m/#pl_…`) at 390×844: the link is
// exchanged for a token, the board draws and a move persists, a reload needs no link
// (the HttpOnly cookie), the long-lived secret is nowhere the page's JavaScript can read,
// and the other tabs load their elements when opened.
// Run by `cargo xtask test` (ALLOT_URL, ALLOT_ADMIN_TOKEN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, launch } from './support.mjs';

const API = process.env.ALLOT_URL;
const ADMIN = process.env.ALLOT_ADMIN_TOKEN;
let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });

test('a personal link opens the mobile page: board, a move, a reload without the link, tabs', async () => {
  const issued = await fetch(`${API}/api/v1/users/rep-wang/links`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{}' });
  assert.equal(issued.status, 201);
  const { url } = await issued.json();
  const secret = url.split('#')[1].slice(-24);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' || /preload/.test(m.text())) problems.push(`console: ${m.text()}`); });
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
  await page.goto(url);
  const lead = page.locator('allot-board section.column[data-stage=lead] li.card:not(.locked)').first();
  await lead.waitFor({ timeout: 20000 });
  // The page's preload hints name the bundle the loader then uses: one fetch of the
  // board's wasm, started with the HTML (a hint for another bundle would fetch twice).
  assert.equal(wasm.length, 1, `one wasm fetch: ${wasm.join(', ')}`);
  assert.match(wasm[0], /\/widget\/v\/board-[0-9a-f]+\/allot_core_bg\.wasm$/);
  assert.equal(new URL(page.url()).hash, '', 'the link left the address bar');
  assert.equal(await page.locator('#who').textContent(), '王芳');
  const id = await lead.getAttribute('data-id');
  const saved = page.waitForResponse((r) => r.url().endsWith(`/customers/${id}/stage`));
  await lead.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal((await saved).status(), 200, 'the move is stored');
  assert.ok(!(await page.content()).includes(secret), 'the secret is not in the page');
  assert.deepEqual(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]), [0, 0, ''], 'nor in storage; the cookie is HttpOnly');
  await page.screenshot({ path: join(SHOTS, 'mobile-board-390.png') });

  // The home-screen app opens /m/ with no link: the cookie brings the rep back.
  await page.goto(`${API}/m/`);
  await page.locator('allot-board li.card').first().waitFor({ timeout: 20000 });
  assert.equal(await page.locator('allot-reminders').count(), 0, 'a tab loads its element when first opened');
  await page.locator('#tab-reminders').click();
  await page.locator('allot-reminders').waitFor({ timeout: 20000 });
  assert.equal(await page.locator('#tab-reminders').getAttribute('aria-selected'), 'true');
  await page.screenshot({ path: join(SHOTS, 'mobile-reminders-390.png') });
  const manifest = await fetch(`${API}/m/manifest.webmanifest`).then((r) => r.json());
  assert.equal(manifest.start_url, '/m/');
  assert.deepEqual(problems, []);

  // A link that is not valid (any more) says so.
  const stale = await context.newPage();
  await stale.context().clearCookies();
  await stale.goto(`${API}/m/#pl_k0_${'x'.repeat(24)}`);
  await stale.locator('#status').waitFor({ state: 'visible', timeout: 10000 });
  assert.match(await stale.locator('#status').textContent(), /失效|expired/);
  await stale.close();
  await page.close();
});
