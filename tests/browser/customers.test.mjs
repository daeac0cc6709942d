// Browser tests: the demo portal and <allot-customers> in headless Chromium at phone
// size (390×844), against a real worker. Run by `cargo xtask test`, which starts the
// server and sets ALLOT_URL; the portal's first demo user is the admin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BASE, SHOTS, holdBack, launch, open as openWith } from './support.mjs';

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });
const open = (path) => openWith(context, path);

const rows = (page) => page.locator('allot-customers li.row');

test('portal loads under a strict CSP with no console errors and lists demo customers', async () => {
  const { page, problems } = await open();
  await rows(page).first().waitFor({ timeout: 15000 });
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.ok(await rows(page).count() >= 20, 'the first page of demo customers is listed');
  const first = await rows(page).first().locator('.title').textContent();
  assert.ok(first.trim().length > 0);
  await page.screenshot({ path: join(SHOTS, 'portal-390.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the list fits a 360 px wide phone without horizontal scrolling', async () => {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(BASE + '/');
  await rows(page).first().waitFor({ timeout: 15000 });
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
  await page.close();
});

test('the form validates with the shared rules before sending anything', async () => {
  const { page, problems } = await open();
  await rows(page).first().waitFor({ timeout: 15000 });
  let posts = 0;
  page.on('request', (r) => { if (r.method() === 'POST') posts += 1; });
  await page.locator('allot-customers button.primary').click();
  await page.locator('allot-customers input[name=phone]').fill('call me');
  await page.locator('allot-customers button[type=submit]').tap();
  const errors = page.locator('allot-customers form .err');
  await errors.first().waitFor();
  assert.equal(await errors.count(), 2, 'name required and phone invalid');
  assert.equal(posts, 0, 'nothing was sent');
  assert.deepEqual(problems, []);
  await page.close();
});

test('adding a customer through the form shows it, and it survives a reload', async () => {
  const { page, problems } = await open();
  await rows(page).first().waitFor({ timeout: 15000 });
  const name = `浏览器新客户 ${Date.now()}`;
  const created = page.evaluate(() => new Promise((resolve) => document.addEventListener('allot:customer-created', (e) => resolve(e.detail.name), { once: true })));
  await page.locator('allot-customers button.primary').tap();
  await page.locator('allot-customers input[name=name]').fill(name);
  await page.locator('allot-customers input[name=phone]').fill(`186${String(Date.now()).slice(-8)}`);
  await page.locator('allot-customers select[name=industry]').selectOption('retail');
  await page.locator('allot-customers select[name=tier]').selectOption('key');
  await page.locator('allot-customers button[type=submit]').tap();
  assert.equal(await created, name, 'the host heard allot:customer-created');
  await page.locator('allot-customers li.row', { hasText: name }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'created-390.png') });

  await page.reload();
  await rows(page).first().waitFor({ timeout: 15000 });
  await page.locator('allot-customers input[type=search]').fill(name);
  const row = page.locator('allot-customers li.row', { hasText: name });
  await row.waitFor();
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /大客户/);
  assert.deepEqual(problems.filter((p) => !p.includes('409')), []);
  await page.close();
});

test('a duplicate is refused with the masked owner named, and the form stays open', async () => {
  const { page } = await open();
  await rows(page).first().waitFor({ timeout: 15000 });
  // Take an existing customer's company from another page load through the API.
  const res = await page.evaluate(async (token) => {
    const r = await fetch('/api/v1/customers?owner=rep-wang&limit=1', { headers: { authorization: `Bearer ${token}` } });
    return r.json();
  }, process.env.ALLOT_REP_TOKEN);
  const existing = res.items[0];
  await page.locator('allot-customers select').last().waitFor();
  const reloaded = page.waitForResponse((r) => r.url().includes('/api/v1/customers?'));
  await page.locator('#user').selectOption({ index: 3 }); // 陈静 · rep
  await reloaded;
  await rows(page).first().waitFor({ timeout: 15000 });
  await page.locator('allot-customers button.primary').tap();
  await page.locator('allot-customers input[name=name]').fill('抢单测试');
  await page.locator('allot-customers input[name=company]').fill(existing.company);
  await page.locator('allot-customers button[type=submit]').tap();
  const alert = page.locator('allot-customers form [role=alert]');
  await alert.waitFor();
  assert.match(await alert.textContent(), /撞单：该客户已由 王\* 负责/);
  assert.ok(!(await alert.textContent()).includes(existing.name));
  await page.close();
});

test('under the region ownership rule, entering a customer another rep holds in your region hands it to you', async () => {
  const { page, problems } = await open();
  await rows(page).first().waitFor({ timeout: 15000 });
  // As the admin (the portal's first demo user): the rule, and a customer in the east
  // held by 陈静, who covers the south.
  const phone = `135${String(Date.now()).slice(-8)}`;
  const admin = (method, path, body) => page.evaluate(async ([method, path, body]) => {
    const { users } = await import('/demo-config.js');
    const r = await fetch(`/api/v1${path}`, { method, headers: { authorization: `Bearer ${users[0].token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, body: await r.json() };
  }, [method, path, body]);
  const setRule = async (rule) => {
    const settings = (await admin('GET', '/settings')).body;
    assert.equal((await admin('PUT', '/settings', { ...settings, ownership_rule: rule })).status, 200);
  };
  await setRule('region');
  try {
    const held = await admin('POST', '/customers', { name: '区域负责制客户', phone, region: 'east', owner: 'rep-chen' });
    assert.equal(held.status, 201);
    // 王芳 (east) enters it again through the form.
    const reloaded = page.waitForResponse((r) => r.url().includes('/api/v1/customers?'));
    await page.locator('#user').selectOption({ index: 2 });
    await reloaded;
    await rows(page).first().waitFor({ timeout: 15000 });
    const takenOver = page.evaluate(() => new Promise((resolve) => document.addEventListener('allot:customer-taken-over', (e) => resolve(e.detail), { once: true })));
    await page.locator('allot-customers button.primary').tap();
    await page.locator('allot-customers input[name=name]').fill('再次录入的名字');
    await page.locator('allot-customers input[name=phone]').fill(phone);
    await page.locator('allot-customers button[type=submit]').tap();
    const detail = await takenOver;
    assert.equal(detail.id, held.body.id);
    assert.equal(detail.owner, 'rep-wang');
    await page.locator('allot-customers li.row', { hasText: '区域负责制客户' }).waitFor();
    assert.match(await page.locator('allot-customers').evaluate((el) => el.shadowRoot.textContent), /按归属规则转到你名下/);
    assert.equal((await admin('GET', `/customers/${held.body.id}`)).body.owner, 'rep-wang');
  } finally {
    await setRule('first_entry');
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('an owner shares a customer from the edit form; a collaborator finds it under 协作, cannot edit it, and can leave', async () => {
  const { page, problems } = await open();
  await rows(page).first().waitFor({ timeout: 15000 });
  // The portal's users: 2 is 王芳 (rep-wang), 3 is 陈静 (rep-chen).
  const as = async (index) => {
    const reloaded = page.waitForResponse((r) => r.url().includes('/api/v1/customers?'));
    await page.locator('#user').selectOption({ index });
    await reloaded;
  };
  const name = `协作浏览器客户 ${Date.now()}`;
  const created = await page.evaluate(async (name) => {
    const { users } = await import('/demo-config.js');
    const r = await fetch('/api/v1/customers', { method: 'POST', headers: { authorization: `Bearer ${users[3].token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, phone: `139${String(Date.now()).slice(-8)}` }) });
    return r.status;
  }, name);
  assert.equal(created, 201);
  // A rep whose name is markup: the panel must show it as text, never as elements.
  const trap = `<b>Tom</b> & "Jerry" ${Date.now()}`;
  const added = await page.evaluate(async (name) => {
    const { users } = await import('/demo-config.js');
    const r = await fetch('/api/v1/reps', { method: 'POST', headers: { authorization: `Bearer ${users[0].token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: `rep-trap-${Date.now()}`, name, level: 'junior', capacity: 10 }) });
    return r.status;
  }, trap);
  assert.equal(added, 201);
  await as(3);
  await page.locator('allot-customers input[type=search]').fill(name);
  await page.locator('allot-customers li.row', { hasText: name }).tap();
  const panel = page.locator('allot-customers section.collab');
  await panel.locator('option', { hasText: '王芳' }).waitFor({ state: 'attached', timeout: 15000 });
  assert.match(await panel.textContent(), /暂无协作人/);
  assert.equal(await panel.locator('option', { hasText: trap }).count(), 1, 'the name is shown as written');
  assert.equal(await panel.locator('b').count(), 0, 'and never read as markup');
  const changed = () => page.evaluate(() => new Promise((resolve) => document.addEventListener('allot:collaborators-changed', (e) => resolve(e.detail.collaborators), { once: true })));
  let heard = changed();
  await panel.locator('select').selectOption({ label: '王芳' }); // choosing adds
  assert.deepEqual(await heard, ['rep-wang'], 'the host heard allot:collaborators-changed');
  await panel.locator('li.chip', { hasText: '王芳' }).waitFor();
  assert.equal(await panel.locator('option', { hasText: '王芳' }).count(), 0, 'a collaborator is not offered twice');
  assert.equal(await panel.locator('option', { hasText: '陈静' }).count(), 0, 'nor the owner');
  heard = changed();
  await panel.locator('select').selectOption({ label: '刘洋' });
  assert.deepEqual(await heard, ['rep-wang', 'rep-liu']);
  await page.screenshot({ path: join(SHOTS, 'collaborators-390.png'), fullPage: true });
  // The edit form is untouched by sharing: saving it now is not a stale write.
  await page.locator('allot-customers input[name=contact_name]').fill('协作联系人');
  await page.locator('allot-customers button[type=submit]').tap();
  await page.locator('allot-customers .msg.ok').waitFor();

  // 王芳 finds it among the customers shared with her, and it does not open for editing.
  await as(2);
  // Tap the row only once the shared list is drawn: until then the list may still hold
  // the previous user's rows, where this customer is editable.
  const sharedList = page.waitForResponse((r) => r.url().includes('owner=shared'));
  await page.locator('allot-customers .seg button', { hasText: '协作' }).tap();
  await sharedList;
  await page.locator('allot-customers ul.list[aria-busy=false]').waitFor();
  const shared = page.locator('allot-customers li.row', { hasText: name });
  await shared.waitFor({ timeout: 15000 });
  await shared.tap();
  assert.equal(await page.locator('allot-customers form.card').count(), 0, 'a collaborator reads, never edits');

  // She leaves it: it is gone from her list.
  heard = changed();
  await shared.locator('button.leave').tap();
  assert.deepEqual(await heard, ['rep-liu']);
  await shared.waitFor({ state: 'detached' });

  // 陈静 sees she left, and takes 刘洋 off with the chip's ×.
  await as(3);
  await page.locator('allot-customers .seg button', { hasText: '我的' }).tap();
  await page.locator('allot-customers li.row', { hasText: name }).tap();
  await panel.locator('li.chip', { hasText: '刘洋' }).waitFor();
  assert.equal(await panel.locator('li.chip', { hasText: '王芳' }).count(), 0);
  heard = changed();
  await panel.getByRole('button', { name: '移除 刘洋' }).tap();
  assert.deepEqual(await heard, []);
  await panel.getByText('暂无协作人').waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('intake form at phone size shows who got the customer and why', async () => {
  const { page, problems } = await open('/#intake');
  const form = page.locator('allot-allocate[mode=intake] form');
  await form.locator('input[name=name]').waitFor({ timeout: 15000 });
  await form.locator('input[name=name]').fill(`官网线索 ${Date.now()}`);
  await form.locator('input[name=phone]').fill(`187${String(Date.now()).slice(-8)}`);
  await form.locator('select[name=industry]').selectOption('manufacturing');
  await form.locator('select[name=region]').selectOption('east');
  await form.locator('input[name=amount]').fill('250000');
  await form.locator('button[type=submit]').tap();
  const result = page.locator('allot-allocate[mode=intake] .assigned');
  await result.waitFor({ timeout: 15000 });
  const text = await result.textContent();
  assert.match(text, /已分配 .+ → .+/);
  assert.match(text, /行业专长|地域匹配|业绩优先|负载余量|客户类型/, 'a reason is shown');
  await page.screenshot({ path: join(SHOTS, 'intake-390.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('manager previews two strategies side by side and applies one', async () => {
  const { page, problems } = await open('/#allocate');
  await page.locator('#user').selectOption({ index: 1 }); // 李娜 · manager
  const manager = page.locator('allot-allocate[mode=manager]');
  await manager.locator('select[name=strategy] option').first().waitFor({ state: 'attached', timeout: 15000 });
  await manager.locator('select[name=strategy]').selectOption('optimal');
  await manager.locator('select[name=compare]').selectOption('round_robin');
  await manager.locator('button.preview').click();
  const panels = manager.locator('section.panel');
  await panels.nth(1).waitFor({ timeout: 15000 });
  assert.equal(await panels.count(), 2);
  const total = async (i) => Number(await panels.nth(i).locator('dd.total').textContent());
  assert.ok(await total(0) >= await total(1), 'optimal scores at least round robin');
  const assigned = Number(await panels.nth(0).locator('dd.assigned').textContent());
  assert.ok(assigned > 0, 'the demo pool has customers to allocate');
  assert.ok(await panels.nth(0).locator('ul.bars li').count() >= 6);
  await page.screenshot({ path: join(SHOTS, 'manager-390.png'), fullPage: true });
  await manager.locator('button.apply').click();
  const status = manager.locator('.msg.ok');
  await status.waitFor({ timeout: 15000 });
  assert.match(await status.textContent(), new RegExp(`已分配 ${assigned}`));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a rep claims from the pool, releases with a reason, and hears why a reclaim is refused', async () => {
  const { page, problems } = await open('/#pool');
  // Earlier tests may have handed the whole pool out: put one customer in it first.
  const created = await page.evaluate(async (token) => {
    const r = await fetch('/api/v1/customers', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `公海浏览器客户 ${Date.now()}`, phone: `185${String(Date.now()).slice(-8)}`, owner: null }) });
    return r.status;
  }, process.env.ALLOT_REP_TOKEN);
  assert.equal(created, 201);
  await page.locator('#user').selectOption({ index: 3 }); // 陈静 · rep
  const pool = page.locator('allot-pool');
  const standing = pool.locator('.standing');
  await standing.waitFor({ timeout: 15000 });
  const left = async () => Number((await standing.textContent()).match(/今日还可领取 (\d+) 个/)[1]);
  const before = await left();
  // After the switch the list is the rep's: masked contacts.
  const first = pool.locator('ul.pool li.row', { hasText: '****' }).first();
  await first.waitFor({ timeout: 15000 });
  const id = await first.getAttribute('data-id');
  assert.match(await first.textContent(), /\*\*\*\*/, 'contacts are masked in the pool');
  await first.locator('button.claim').tap();
  await pool.locator('.msg.ok', { hasText: '领取成功' }).waitFor({ timeout: 15000 });
  await page.waitForFunction(async (b) => {
    const el = document.querySelector('allot-pool').shadowRoot.querySelector('.standing');
    return el && Number(el.textContent.match(/今日还可领取 (\d+) 个/)[1]) === b - 1;
  }, before, { timeout: 15000 });
  // Release it from "mine" with a reason.
  await pool.locator('button[role=tab]').nth(1).tap();
  const mine = pool.locator(`ul.mine li.row[data-id="${id}"]`);
  await mine.locator('button.release').tap();
  await pool.locator('form.release select[name=reason]').selectOption('unreachable');
  await pool.locator('form.release button[type=submit]').tap();
  await pool.locator('.msg.ok', { hasText: '已退回公海' }).waitFor({ timeout: 15000 });
  // Claiming it straight back is refused with the reason.
  await pool.locator('button[role=tab]').first().tap();
  await pool.locator(`ul.pool li.row[data-id="${id}"] button.claim`).tap();
  const refused = pool.locator('.msg.err');
  await refused.waitFor({ timeout: 15000 });
  assert.match(await refused.textContent(), /冷静期/);
  await page.screenshot({ path: join(SHOTS, 'pool-390.png') });
  assert.deepEqual(problems.filter((p) => !p.includes('409')), []);
  await page.close();
});

test('the pool shows once what sits above its list is in, so a claim button never moves under a thumb', async () => {
  const { page, problems } = await open('/');
  const created = await page.evaluate(async (token) => {
    const r = await fetch('/api/v1/customers', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `公海布局客户 ${Date.now()}`, owner: null }) });
    return r.status;
  }, process.env.ALLOT_REP_TOKEN);
  assert.equal(created, 201, 'a customer in the pool to show');
  await page.locator('#user').selectOption({ index: 3 }); // 陈静 · rep
  const reminders = /\/api\/v1\/reminders$/;
  const { reached, release } = await holdBack(page, reminders);
  await page.goto(`${BASE}/#pool`);
  await page.reload();
  const pool = page.locator('allot-pool');
  await reached();
  await page.waitForResponse((r) => r.url().includes('/api/v1/pool?limit='));
  await page.waitForTimeout(200);
  const claim = pool.locator('ul.pool li.row button.claim').first();
  assert.equal(await claim.isVisible(), false, 'nothing to tap while the reminders are still coming');
  assert.equal(await release(), 200);
  await claim.waitFor({ state: 'visible', timeout: 15000 });
  const at = await claim.boundingBox();
  await page.waitForTimeout(500);
  assert.deepEqual(await claim.boundingBox(), at, 'the claim button stays where it was drawn');
  assert.deepEqual(problems, []);
  await page.unroute(reminders);
  await page.close();
});

test('board: keyboard moves persist, a refused move rolls back with a message', async () => {
  const { page, problems } = await open('/#board');
  // Desktop width: neighbouring columns are on screen for the mouse drag.
  await page.setViewportSize({ width: 1280, height: 800 });
  // A customer without an amount: 方案报价 (proposal) will refuse it.
  const name = `漏斗浏览器客户 ${Date.now()}`;
  const status = await page.evaluate(async ([token, name]) => (await fetch('/api/v1/customers', { method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, stage: 'qualified' }) })).status, [process.env.ALLOT_REP_TOKEN, name]);
  assert.equal(status, 201);
  await page.locator('#user').selectOption({ index: 2 }); // 王芳 · rep
  const board = page.locator('allot-board');
  const card = board.locator('li.card', { hasText: name });
  await card.waitFor({ timeout: 15000 });
  // Retried: a saved move re-renders the card under the locator.
  const column = async (loc) => {
    for (let i = 0; i < 50; i++) {
      const stage = await loc.evaluate((el) => el.closest('[data-stage]')?.dataset.stage ?? null).catch(() => null);
      if (stage) return stage;
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  };
  assert.equal(await column(card), 'qualified');
  // Keyboard: → into 方案报价 is refused (no amount) and rolled back with the reason.
  await card.focus();
  await page.keyboard.press('ArrowRight');
  const refused = board.locator('.msg.err');
  await refused.waitFor({ timeout: 15000 });
  assert.match(await refused.textContent(), /无法移动/);
  assert.equal(await column(board.locator('li.card', { hasText: name })), 'qualified');
  // Keyboard: ← into 初步接触 works.
  const stageSaved = () => page.waitForResponse((r) => r.url().endsWith('/stage') && r.status() === 200);
  await board.locator('li.card', { hasText: name }).focus();
  let saved = stageSaved();
  await page.keyboard.press('ArrowLeft');
  await saved;
  await page.waitForFunction((n) => [...document.querySelector('allot-board').shadowRoot.querySelectorAll('[data-stage=contacted] li.card')].some((c) => c.textContent.includes(n)), name, { timeout: 15000 });
  // Keyboard: → back into 需求确认 (pointer drag is implemented but not yet covered here).
  await board.locator('li.card', { hasText: name }).focus();
  saved = stageSaved();
  await page.keyboard.press('ArrowRight');
  // The move shows at once (optimistic); the reload below must wait for the server.
  await saved;
  await page.waitForFunction((n) => [...document.querySelector('allot-board').shadowRoot.querySelectorAll('[data-stage=qualified] li.card')].some((c) => c.textContent.includes(n)), name, { timeout: 15000 });
  // It persisted: a reload shows it in 需求确认.
  await page.reload();
  const again = page.locator('allot-board li.card', { hasText: name });
  await again.waitFor({ timeout: 15000 });
  assert.equal(await column(again), 'qualified');
  await page.screenshot({ path: join(SHOTS, 'board-1280.png') });
  assert.deepEqual(problems.filter((p) => !p.includes('422')), []);
  await page.close();
});

test('a deactivated rep is told so, and the host is not asked for a new token in vain', async () => {
  const { page, problems } = await open('/');
  const admin = await page.evaluate(async () => (await import('/demo-config.js')).users[0].token);
  const setActive = (active) => page.evaluate(async ([token, active]) => (await fetch('/api/v1/reps/rep-chen', {
    method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ active }) })).status, [admin, active]);
  await page.evaluate(() => { window.unauthorized = 0; document.addEventListener('allot:unauthorized', () => { window.unauthorized += 1; }); });
  assert.equal(await setActive(false), 200);
  try {
    await page.locator('#user').selectOption({ index: 3 }); // 陈静, just deactivated
    await page.locator('allot-customers .msg.err', { hasText: '账号已停用' }).waitFor({ timeout: 15000 });
    assert.equal(await page.evaluate(() => window.unauthorized), 0, 'no allot:unauthorized: a new token would be refused too');
  } finally {
    assert.equal(await setActive(true), 200);
  }
  // The browser itself logs each refused request.
  assert.deepEqual(problems.filter((p) => !p.includes('401')), []);
  await page.close();
});

test('a spent request budget (429) is explained in the list, not shown as a network error', async () => {
  const { page, problems } = await open();
  await rows(page).first().waitFor({ timeout: 15000 });
  // The API's own answer past a budget (tests/tests/api/rates.rs checks the server side).
  await page.route(/\/api\/v1\/customers\?.*q=/, (route) => route.fulfill({
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '60' },
    body: JSON.stringify({ error: { code: 'rate_limited', message: 'too many requests: at most 1200 reads per user a minute; retry in a minute', details: { per_minute: 1200, retry_after_seconds: 60 } } }),
  }));
  await page.locator('allot-customers input[type=search]').fill('限流');
  const message = page.locator('allot-customers .msg.err');
  await message.waitFor({ timeout: 10000 });
  assert.match(await message.textContent(), /操作太频繁，请一分钟后再试/);
  await page.unroute(/\/api\/v1\/customers\?.*q=/);
  assert.deepEqual(problems.filter((p) => !p.includes('429')), []);
  await page.close();
});
