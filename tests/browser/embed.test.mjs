// Embedding from another origin, as a customer's portal does: the host page is served
// by portal/host/serve.mjs on its own port (another origin than the API's) under a
// strict CSP that names Allot's origin only in script-src and connect-src. Checks that
// the board and the customer list load, draw and write from there with no CSP
// refusal, that the host hears their events, that a host the tenant does not list is
// told why, and that the widget's bundles are cached for good under content-hashed
// paths while only allot.js is revalidated.
// Run by `cargo xtask test` (ALLOT_URL, ALLOT_REP_TOKEN, ALLOT_ADMIN_TOKEN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { SHOTS, launch } from './support.mjs';
import { serveHost, register } from '../../portal/host/serve.mjs';

const API = process.env.ALLOT_URL;
const REP = process.env.ALLOT_REP_TOKEN;
const ADMIN = process.env.ALLOT_ADMIN_TOKEN;
const CONFIG = fileURLToPath(new URL('../../dist/demo-config.js', import.meta.url));

let context;
let host; // listed in the demo tenant's allowed_origins
let stranger; // not listed
before(async () => {
  assert.ok(ADMIN, 'ALLOT_ADMIN_TOKEN must be set');
  host = await serveHost({ api: API, config: CONFIG });
  stranger = await serveHost({ api: API, config: CONFIG });
  assert.notEqual(new URL(host.origin).origin, new URL(API).origin, 'the host is on another origin');
  await register(API, ADMIN, host.origin, 5);
  context = await launch();
});
after(async () => {
  await context?.close();
  await host?.close();
  await stranger?.close();
});

/** Calls the API from Node (no Origin header) as rep-wang. */
async function api(method, path, body) {
  const r = await fetch(`${API}/api/v1${path}`, { method, headers: { authorization: `Bearer ${REP}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, body: await r.json() };
}

/** Opens a host page, collecting console errors (CSP refusals among them), page errors
 * and `securitypolicyviolation` events. */
async function openHost(origin) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`), true);
  });
  await page.goto(`${origin}/`);
  return { page, problems, violations: () => page.evaluate(() => window.__violations) };
}

/** The events the host page listed, newest first. */
const heard = (page, name) => page.locator(`#events li[data-event="${name}"]`);

test('from another origin under a strict CSP the board draws, a move persists and the host hears it', async () => {
  const { page, problems, violations } = await openHost(host.origin);
  const board = page.locator('allot-board');
  const lead = board.locator('section.column[data-stage=lead] li.card:not(.locked)').first();
  await lead.waitFor({ timeout: 20000 });
  const id = await lead.getAttribute('data-id');
  const saved = page.waitForResponse((r) => r.url().endsWith(`/customers/${id}/stage`));
  await lead.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal((await saved).status(), 200);
  await heard(page, 'allot:stage-changed').first().waitFor({ timeout: 10000 });
  const detail = JSON.parse(await heard(page, 'allot:stage-changed').first().getAttribute('data-detail'));
  assert.equal(detail.id, id, 'the event names the card moved');
  assert.equal((await api('GET', `/customers/${id}`)).body.stage, 'contacted', 'the move is stored');
  // The widget's files were fetched from the API's origin, and none was refused.
  assert.deepEqual(await violations(), []);
  assert.deepEqual(problems, []);
  await page.screenshot({ path: join(SHOTS, 'embed-board-390.png') });
  // Back where it was, for the other suites.
  assert.equal((await api('POST', `/customers/${id}/stage`, { stage: 'lead', version: detail.version })).status, 200);
  await page.close();
});

test('from another origin the customer list draws and a customer added there reaches the host as an event', async () => {
  const { page, problems, violations } = await openHost(host.origin);
  const list = page.locator('allot-customers');
  await list.locator('li.row').first().waitFor({ timeout: 20000 });
  const name = `跨域新客户 ${Date.now()}`;
  await list.locator('button.primary').tap();
  await list.locator('input[name=name]').fill(name);
  await list.locator('input[name=phone]').fill(`185${String(Date.now()).slice(-8)}`);
  await list.locator('button[type=submit]').tap();
  await heard(page, 'allot:customer-created').first().waitFor({ timeout: 10000 });
  assert.equal(JSON.parse(await heard(page, 'allot:customer-created').first().getAttribute('data-detail')).name, name);
  await list.locator('li.row', { hasText: name }).waitFor();
  const found = await api('GET', `/customers?q=${encodeURIComponent(name)}`);
  assert.equal(found.body.items.length, 1, 'stored');
  assert.deepEqual(await violations(), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a host whose origin the tenant does not list is told why, and nothing is written', async () => {
  const { page, violations } = await openHost(stranger.origin);
  // The element says why, and the host hears a documented event.
  const board = page.locator('allot-board');
  await board.locator('.msg.err').first().waitFor({ timeout: 20000 });
  assert.match(await board.locator('.msg.err').first().textContent(), new RegExp(`${stranger.origin.replace(/[.:/]/g, '\\$&')}.*允许的来源`));
  await heard(page, 'allot:origin-not-allowed').first().waitFor({ timeout: 10000 });
  assert.equal(JSON.parse(await heard(page, 'allot:origin-not-allowed').first().getAttribute('data-detail')).origin, stranger.origin);
  // A write from that page is refused before it happens (CORS alone would only hide the answer).
  const before = await api('GET', '/customers?owner=me&limit=1');
  const target = before.body.items[0];
  const answer = await page.evaluate(async ([api, token, id, version]) => {
    const r = await fetch(`${api}/api/v1/customers/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ version, notes: 'written from a page not allowed' }) });
    return { status: r.status, body: await r.json() };
  }, [API, REP, target.id, target.version]);
  assert.equal(answer.status, 403);
  assert.equal(answer.body.error.code, 'origin_not_allowed');
  assert.equal((await api('GET', `/customers/${target.id}`)).body.version, target.version, 'nothing written');
  assert.deepEqual(await violations(), []);
  await page.close();
});

/** The bundle directories allot.js names: { kind: 'v/<kind>-<hash>/' }. */
async function bundles() {
  const loader = await (await fetch(`${API}/widget/allot.js`)).text();
  return JSON.parse(loader.match(/const BUNDLES = (\{[^;]*\});/)[1]);
}

test('each bundle lives under the hash of its content, cached for good; allot.js stays short-lived and CORS-readable', async () => {
  const dirs = await bundles();
  // One directory per kind (widget/src/kinds.rs, which xtask passes as ALLOT_KINDS) and the `all` bundle.
  assert.deepEqual(Object.keys(dirs).sort(), [...process.env.ALLOT_KINDS.split(','), 'all'].sort());
  const loader = await fetch(`${API}/widget/allot.js`, { headers: { origin: host.origin } });
  assert.equal(loader.headers.get('access-control-allow-origin'), '*');
  assert.match(loader.headers.get('cache-control'), /max-age=0/);
  for (const [kind, dir] of Object.entries(dirs)) {
    const [, name, hash] = dir.match(/^v\/([a-z]+)-([0-9a-f]{16})\/$/);
    assert.equal(name, kind);
    // The files of the bundle: glue, wasm, and the snippets the glue imports.
    const base = `${API}/widget/${dir}`;
    const glue = await fetch(`${base}allot_core.js`);
    assert.equal(glue.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(glue.headers.get('access-control-allow-origin'), '*');
    const glueBytes = Buffer.from(await glue.arrayBuffer());
    const snippets = [...new Set([...glueBytes.toString().matchAll(/["'](\.\/snippets\/[^"']+\.js)["']/g)].map((m) => m[1].slice(2)))];
    const files = [['allot_core.js', glueBytes]];
    for (const path of ['allot_core_bg.wasm', ...snippets]) {
      const r = await fetch(`${base}${path}`);
      assert.equal(r.status, 200, `${base}${path}`);
      files.push([path, Buffer.from(await r.arrayBuffer())]);
    }
    files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // The same digest xtask's build::content_hash computes: a new build of different
    // bytes gets a different path, so a cached old copy can never be served for it.
    const sha = createHash('sha256');
    for (const [path, bytes] of files) sha.update(Buffer.concat([Buffer.from(`${path}\0${bytes.length}\0`), bytes]));
    assert.equal(sha.digest('hex').slice(0, 16), hash, `${kind}: the path names its content`);
  }
});

test('a second page view fetches only allot.js again; the bundles come from the browser cache', async () => {
  // A context of its own: routing (used elsewhere to hold answers back) turns the cache off.
  const fresh = await launch();
  try {
    const page = await fresh.newPage();
    const cdp = await fresh.newCDPSession(page);
    await cdp.send('Network.enable');
    const seen = new Map(); // requestId → { url, cached }
    cdp.on('Network.requestWillBeSent', (e) => { if (e.request.url.includes('/widget/')) seen.set(e.requestId, { url: new URL(e.request.url).pathname, cached: false }); });
    cdp.on('Network.requestServedFromCache', (e) => { if (seen.has(e.requestId)) seen.get(e.requestId).cached = true; });
    cdp.on('Network.responseReceived', (e) => { if (seen.has(e.requestId) && e.response.fromDiskCache) seen.get(e.requestId).cached = true; });
    const view = async () => {
      seen.clear();
      await page.goto(`${host.origin}/`);
      await page.locator('allot-board li.card').first().waitFor({ timeout: 20000 });
      await page.locator('allot-customers li.row').first().waitFor({ timeout: 20000 });
      return [...seen.values()];
    };
    const first = await view();
    assert.ok(first.some((r) => r.url.endsWith('.wasm') && !r.cached), 'the first view downloads the bundles');
    const second = await view();
    const fromNetwork = second.filter((r) => !r.cached).map((r) => r.url);
    assert.deepEqual(fromNetwork, ['/widget/allot.js'], `only the loader is asked for again: ${JSON.stringify(second)}`);
    assert.ok(second.filter((r) => r.cached).length >= 3, 'glue, snippet and wasm come from the cache');
  } finally {
    await fresh.close();
  }
});

test('the other company\'s portal passes axe as a page (390×844)', async () => {
  // axe is put into the page as an inline script, which the host's CSP forbids: a
  // context of its own that ignores CSP (the tests above run under it).
  const lenient = await launch({ bypassCSP: true });
  try {
    const page = await lenient.newPage();
    await page.goto(`${host.origin}/`);
    await page.locator('allot-board li.card').first().waitFor({ timeout: 20000 });
    await page.locator('allot-customers li.row').first().waitFor({ timeout: 20000 });
    await page.addScriptTag({ path: fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url)) });
    const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] }))
      .violations.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`));
    assert.deepEqual(violations, [], violations.join('\n'));
    await page.screenshot({ path: join(SHOTS, 'embed-host-390.png'), fullPage: false });
  } finally {
    await lenient.close();
  }
});

test('a no-code landing page on another origin takes leads with an intake key: the element, and the hosted form in an iframe', async () => {
  const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };
  const created = await fetch(`${API}/api/v1/intake-keys`, { method: 'POST', headers: admin, body: JSON.stringify({ label: '落地页', allowed_origins: [host.origin], reveal_owner: true }) });
  assert.equal(created.status, 201);
  const key = (await created.json()).secret;
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`), true);
  });
  await page.goto(`${host.origin}/landing?key=${key}`);
  const stamp = String(Date.now()).slice(-8);
  const fill = async (root, name, phone) => {
    const form = root.locator('allot-allocate form.intake');
    await form.waitFor({ timeout: 20000 });
    await form.locator('input[name=name]').fill(name);
    await form.locator('input[name=phone]').fill(phone);
    await form.locator('input[name=city]').fill('上海');
    await form.locator('textarea[name=message]').fill('想预约一次产品演示');
    // A person takes a moment; the server refuses a form sent in under 2 s.
    await page.waitForTimeout(2200);
    await form.locator('button[type=submit]').click();
    await root.locator('allot-allocate .received').waitFor({ timeout: 15000 });
  };
  await fill(page, '落地页访客甲', `139${stamp}`);
  await page.screenshot({ path: join(SHOTS, 'embed-landing-390.png'), fullPage: true });
  await fill(page.frameLocator('iframe#hosted'), '落地页访客乙', `138${stamp}`);
  for (const phone of [`139${stamp}`, `138${stamp}`]) {
    const found = await fetch(`${API}/api/v1/customers?q=${phone}`, { headers: admin }).then((r) => r.json());
    assert.equal(found.items.length, 1, `one customer with ${phone}`);
    assert.equal(found.items[0].source, '落地页', 'the key is the channel');
  }
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(problems, []);
  await page.close();
});

test('/embed/board framed by another origin gets its token by postMessage, forwards its events and refuses unlisted parents', async () => {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`${host.origin}/framed`);
  const frame = page.frameLocator('iframe#board');
  const lead = frame.locator('allot-board section.column[data-stage=lead] li.card:not(.locked)').first();
  await lead.waitFor({ timeout: 20000 });
  const id = await lead.getAttribute('data-id');
  await lead.focus();
  await page.keyboard.press('ArrowRight');
  await page.locator('#events li[data-event="allot:stage-changed"]').first().waitFor({ timeout: 10000 });
  const detail = JSON.parse(await page.locator('#events li[data-event="allot:stage-changed"]').first().getAttribute('data-detail'));
  assert.equal(detail.id, id, 'the event crossed the frame');
  assert.equal((await api('GET', `/customers/${id}`)).body.stage, 'contacted', 'the move is stored');
  assert.equal(await page.locator('iframe#board').getAttribute('height'), '480', 'the board fills the frame the host sized (no resize chase)');
  assert.ok(!page.url().includes('token') && !(await page.locator('iframe#board').getAttribute('src')).includes('token'), 'no token in a URL');
  assert.deepEqual(problems, []);
  await page.screenshot({ path: join(SHOTS, 'embed-framed-board.png') });
  await page.close();

  // A parent the tenant does not list: the frame's requests are refused and it says why.
  const other = await context.newPage();
  await other.goto(`${stranger.origin}/framed`);
  const refused = other.frameLocator('iframe#board').locator('allot-board [role=alert]');
  await refused.waitFor({ timeout: 20000 });
  assert.match(await refused.textContent(), new RegExp(stranger.origin.replace(/[.:/]/g, '\\$&')));
  await other.close();
});
