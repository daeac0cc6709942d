// Browser tests of <allot-board> and <allot-reminders>: dragging a card with the mouse
// (1280×800) and with emulated touch on its grip (390×844), the move persisting; the
// card drawer's follow-up log and form; logging a follow-up from a reminder; long columns
// drawing only the cards in view.
// Run by `cargo xtask test` (ALLOT_URL, ALLOT_REP_TOKEN for rep-wang).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, holdBack, launch, open as openWith } from './support.mjs';

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });

const TOKEN = process.env.ALLOT_REP_TOKEN;
const DAY = 86_400_000;

/** Calls the API as rep-wang from inside the page. */
async function api(page, method, path, body) {
  return page.evaluate(async ([token, method, path, body]) => {
    const r = await fetch(`/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, body: await r.json() };
  }, [TOKEN, method, path, body]);
}

/** The portal as 王芳 (rep), at a size, on a section. */
async function openAsRep(hash, size) {
  const { page, problems } = await openWith(context, '/');
  await page.setViewportSize(size);
  await page.locator('#user').selectOption({ index: 2 });
  await page.goto(`${process.env.ALLOT_URL}/${hash}`);
  await page.reload();
  return { page, problems };
}

/** The portal's board as the admin (every card, all editable) at 1280×800 with "all"
 * chosen; answers to requests matching `held` wait until `release()` is called. */
async function adminBoardAll(held) {
  const { page, problems } = await openWith(context, '/');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('#user').selectOption({ index: 0 });
  const { reached, release } = held ? await holdBack(page, held) : { reached: async () => {}, release: async () => {} };
  await page.goto(`${process.env.ALLOT_URL}/#board`);
  await page.reload();
  const board = page.locator('allot-board');
  // Until the answer for "all" is drawn the board still shows "mine" (the admin may own a
  // few customers by now): wait until the columns say whose cards they hold.
  await board.locator('button[data-scope=all]').click({ timeout: 15000 });
  await board.locator('.board[data-showing=all]').waitFor({ timeout: 15000 });
  return { page, problems, board, reached, release };
}

/** The stage column a card is in; retried, since a saved move re-renders the card. */
async function stageOf(card) {
  for (let i = 0; i < 50; i++) {
    const stage = await card.evaluate((el) => el.closest('[data-stage]')?.dataset.stage ?? null).catch(() => null);
    if (stage) return stage;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}
const center = async (loc) => { const b = await loc.boundingBox(); return { x: b.x + b.width / 2, y: b.y + b.height / 2 }; };

test('mouse drag at 1280×800 moves a card to the next column, and it persists', async () => {
  const { page, problems } = await openAsRep('#board', { width: 1280, height: 800 });
  const name = `拖拽客户 ${Date.now()}`;
  const created = await api(page, 'POST', '/customers', { name, stage: 'lead', amount: 12000 });
  assert.equal(created.status, 201);
  await page.reload();
  const board = page.locator('allot-board');
  const card = board.locator('li.card', { hasText: name });
  await card.waitFor({ timeout: 15000 });
  assert.equal(await stageOf(card), 'lead');
  // Every load settled (the full card list follows the first cards; the portal's other
  // elements load too), so nothing moves under the pointer between aiming and pressing.
  await page.waitForLoadState('networkidle');
  // Centred on screen, clear of the portal's sticky header.
  await card.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const from = await center(card);
  const to = await center(board.locator('section.column[data-stage=contacted] header'));
  const saved = page.waitForResponse((r) => r.url().endsWith('/stage') && r.request().method() === 'POST');
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 20, from.y + 5, { steps: 3 });
  await board.locator('.ghost').waitFor({ timeout: 5000 });
  await page.mouse.move(to.x, to.y + 120, { steps: 12 });
  await board.locator('section.column.drop').waitFor({ timeout: 5000 });
  assert.equal(await board.locator('section.column.drop').getAttribute('data-stage'), 'contacted', 'the target column is highlighted');
  await page.mouse.up();
  assert.equal((await saved).status(), 200);
  assert.equal(await stageOf(board.locator('li.card', { hasText: name })), 'contacted');
  assert.equal((await api(page, 'GET', `/customers/${created.body.id}`)).body.stage, 'contacted', 'persisted');
  await page.reload();
  const again = page.locator('allot-board li.card', { hasText: name });
  await again.waitFor({ timeout: 15000 });
  assert.equal(await stageOf(again), 'contacted');
  await page.screenshot({ path: join(SHOTS, 'board-drag-1280.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('columns are virtualised: a long column draws only the cards in view, and scrolling draws the rest', async () => {
  const { page, problems } = await openWith(context, '/');
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('#user').selectOption({ index: 0 }); // the admin: every card
  await page.goto(`${process.env.ALLOT_URL}/#board`);
  await page.reload();
  const board = page.locator('allot-board');
  // The admin owns no customers: "mine" is empty until the scope is "all".
  await board.locator('button[data-scope=all]').click({ timeout: 15000 });
  await board.locator('.board[data-showing=all] li.card').first().waitFor({ timeout: 15000 });
  // The longest column, by the count in its header (the server's total).
  const longest = async () => board.evaluate((el) => {
    const columns = [...el.shadowRoot.querySelectorAll('section.column')]
      .map((c) => ({ stage: c.dataset.stage, total: Number.parseInt(c.querySelector('.totals').textContent, 10) }));
    return columns.sort((a, b) => b.total - a.total)[0];
  });
  let column = await longest();
  for (let i = 0; i < 50 && column.total < 40; i++) { await page.waitForTimeout(100); column = await longest(); }
  assert.ok(column.total >= 40, `the demo has a column of 40+ cards (${JSON.stringify(column)})`);
  const section = board.locator(`section.column[data-stage=${column.stage}]`);
  const drawn = () => section.evaluate((el) => [...el.querySelectorAll('li.card')].map((li) => li.style.top));
  const first = await drawn();
  assert.ok(first.length > 0 && first.length <= 20, `only the cards in view are in the DOM (${first.length} of ${column.total})`);
  // The list keeps the height of every card, so the scrollbar tells the true length (once
  // the full card list has followed the first cards of each column).
  const height = () => section.evaluate((el) => Math.round(el.querySelector('ul').getBoundingClientRect().height));
  for (let i = 0; i < 100 && (await height()) !== column.total * 92; i++) await page.waitForTimeout(100);
  assert.equal(await height(), column.total * 92);
  await section.evaluate((el) => { el.scrollTop = el.scrollHeight; el.dispatchEvent(new Event('scroll')); });
  const lastTop = `${(column.total - 1) * 92}px`;
  for (let i = 0; i < 50 && !(await drawn()).includes(lastTop); i++) await page.waitForTimeout(100);
  const after = await drawn();
  assert.ok(after.includes(lastTop), `the last card is drawn after scrolling to the end (${after.join(' ')})`);
  assert.ok(after.length <= 20, `still only the cards in view (${after.length})`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a move made while the rest of the cards is still loading keeps its column and the totals', async () => {
  // Hold back the full card list (the answer after the first cards) until the move is done.
  const full = /\/api\/v1\/board\?owner=all$/;
  const { page, problems, board, reached, release } = await adminBoardAll(full);
  const lead = board.locator('section.column[data-stage=lead] li.card').first();
  await lead.waitFor({ timeout: 15000 });
  const count = (stage) => board.locator(`section.column[data-stage=${stage}] .totals`).evaluate((el) => Number.parseInt(el.textContent, 10));
  const before = [await count('lead'), await count('contacted')];
  const id = await lead.getAttribute('data-id');
  const saved = page.waitForResponse((r) => r.url().endsWith(`/customers/${id}/stage`));
  await lead.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal((await saved).status(), 200);
  // Only the first cards are loaded: the totals are the server's, shifted by the move.
  assert.deepEqual([await count('lead'), await count('contacted')], [before[0] - 1, before[1] + 1]);
  await reached(); // the move was made while the board waited for the rest
  assert.equal(await release(), 200);
  await page.waitForTimeout(300);
  // The full list (read before the move was saved or after) leaves the card where it was
  // moved, and the totals, now counted from every card, agree.
  const moved = board.locator(`li.card[data-id="${id}"]`);
  assert.equal(await moved.evaluate((el) => el.closest('[data-stage]').dataset.stage), 'contacted');
  assert.deepEqual([await count('lead'), await count('contacted')], [before[0] - 1, before[1] + 1]);
  assert.deepEqual(problems, []);
  await page.unroute(full);
  await page.close();
});

test('an answer for a scope the user already left never replaces the new scope\'s cards', async () => {
  // The admin owns none: hold back the first answer for "mine" until "all" is on screen.
  const mine = /\/api\/v1\/board\?owner=me&per_stage=\d+$/;
  const { page, problems, board, release } = await adminBoardAll(mine);
  const cards = board.locator('li.card');
  await cards.first().waitFor({ timeout: 15000 });
  assert.equal(await release(), 200);
  await page.waitForTimeout(300);
  assert.ok(await cards.count() > 0, 'the late (empty) answer for "mine" did not replace the cards of "all"');
  assert.equal(await board.locator('button[data-scope=all]').getAttribute('aria-pressed'), 'true');
  assert.deepEqual(problems, []);
  await page.unroute(mine);
  await page.close();
});

test('the scope buttons are drawn where they stay: the role comes with the token, not a later answer', async () => {
  // Before, "mine" and "all" were drawn at once and "team" squeezed in between when /me
  // answered (after the cards), so a tap aimed at "all" landed on "team". /me is held back
  // here: the buttons must not wait for it, nor move when it comes.
  const { page, problems } = await openWith(context, '/');
  await page.locator('#user').selectOption({ index: 0 }); // the admin: three scopes
  const me = /\/api\/v1\/me$/;
  const { release } = await holdBack(page, me);
  await page.goto(`${process.env.ALLOT_URL}/#board`);
  await page.reload();
  const board = page.locator('allot-board');
  const all = board.locator('button[data-scope=all]');
  await all.waitFor({ state: 'visible', timeout: 15000 });
  assert.equal(await board.locator('.seg button').count(), 3, 'mine, team, all from the first frame');
  const at = await all.boundingBox();
  await board.locator('.board[data-showing=me]').waitFor({ timeout: 15000 });
  release();
  await page.waitForTimeout(500);
  assert.deepEqual(await all.boundingBox(), at, '"all" stays where it was drawn');
  assert.deepEqual(problems, []);
  await page.unroute(me);
  await page.close();
});

test('a mouse drag that spans the arrival of the full card list still moves the card', async () => {
  const full = /\/api\/v1\/board\?owner=all$/;
  const { page, problems, board, release } = await adminBoardAll(full);
  const card = board.locator('section.column[data-stage=lead] li.card').first();
  await card.waitFor({ timeout: 15000 });
  const id = await card.getAttribute('data-id');
  await card.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const from = await center(card);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 20, from.y + 5, { steps: 3 });
  await board.locator('.ghost').waitFor({ timeout: 5000 });
  // The rest of the cards arrive mid-drag and the columns re-render under the pointer.
  assert.equal(await release(), 200);
  await page.waitForTimeout(300);
  const to = await center(board.locator('section.column[data-stage=contacted] header'));
  const saved = page.waitForResponse((r) => r.url().endsWith(`/customers/${id}/stage`) && r.request().method() === 'POST');
  await page.mouse.move(to.x, to.y + 120, { steps: 12 });
  await board.locator('section.column.drop').waitFor({ timeout: 5000 });
  await page.mouse.up();
  assert.equal((await saved).status(), 200);
  assert.equal(await stageOf(board.locator(`li.card[data-id="${id}"]`)), 'contacted');
  await page.reload();
  await board.locator('button[data-scope=all]').click({ timeout: 15000 });
  const again = board.locator(`section.column[data-stage=contacted] li.card[data-id="${id}"]`);
  await again.waitFor({ timeout: 15000 });
  assert.deepEqual(problems, []);
  await page.unroute(full);
  await page.close();
});

test('touch drag by the grip at 390×844 moves a card; a finger elsewhere scrolls', async () => {
  const { page, problems } = await openAsRep('#board', { width: 390, height: 844 });
  const name = `触摸拖拽 ${Date.now()}`;
  const created = await api(page, 'POST', '/customers', { name, stage: 'lead', amount: 8000 });
  assert.equal(created.status, 201);
  await page.reload();
  const board = page.locator('allot-board');
  const card = board.locator('li.card', { hasText: name });
  await card.waitFor({ timeout: 15000 });
  await card.scrollIntoViewIfNeeded();
  const cdp = await context.newCDPSession(page);
  const touch = (type, x, y) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
  const gripNow = await center(card.locator('.grip'));
  const saved = page.waitForResponse((r) => r.url().endsWith('/stage') && r.request().method() === 'POST');
  await touch('touchStart', gripNow.x, gripNow.y);
  // Towards the right edge, where the next column shows and the board auto-scrolls.
  for (let i = 1; i <= 12; i++) await touch('touchMove', gripNow.x + (372 - gripNow.x) * (i / 12), gripNow.y + 30);
  await touch('touchEnd');
  const response = await saved;
  assert.equal(response.status(), 200);
  const moved = JSON.parse(response.request().postData());
  assert.equal(moved.stage, 'contacted', 'dropped on the next column');
  assert.equal((await api(page, 'GET', `/customers/${created.body.id}`)).body.stage, 'contacted', 'persisted');
  // A finger on a card's body (not the grip) scrolls the column and moves nothing.
  await board.evaluate((el) => { el.shadowRoot.querySelector('.board').scrollLeft = 0; });
  const column = board.locator('section.column[data-stage=lead]');
  const other = column.locator('li.card').first();
  await other.scrollIntoViewIfNeeded();
  const top = () => column.evaluate((el) => el.scrollTop);
  const before = await top();
  const body = await center(other.locator('.title'));
  let posted = 0;
  page.on('request', (r) => { if (r.url().endsWith('/stage')) posted += 1; });
  await touch('touchStart', body.x, body.y);
  for (let i = 1; i <= 8; i++) await touch('touchMove', body.x, body.y - 25 * i);
  await touch('touchEnd');
  await page.waitForTimeout(400);
  assert.ok(await top() > before, 'the column scrolled');
  assert.equal(posted, 0, 'no move without the grip');
  await page.screenshot({ path: join(SHOTS, 'board-touch-390.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a card opens a drawer with its follow-up log; a follow-up added there shows up', async () => {
  const { page, problems } = await openAsRep('#board', { width: 390, height: 844 });
  const name = `抽屉客户 ${Date.now()}`;
  const created = await api(page, 'POST', '/customers', { name, stage: 'lead' });
  await api(page, 'POST', `/customers/${created.body.id}/follow-ups`, { kind: 'call', note: '第一次电话' });
  await page.reload();
  await page.evaluate(() => { window.__added = []; document.addEventListener('allot:follow-up-added', (e) => window.__added.push(e.detail)); });
  const board = page.locator('allot-board');
  const card = board.locator('li.card', { hasText: name });
  await card.waitFor({ timeout: 15000 });
  await card.tap();
  const drawer = board.locator('aside.drawer');
  await drawer.locator('li.entry', { hasText: '第一次电话' }).waitFor({ timeout: 15000 });
  // The form checks with the shared rule first: an empty note is refused locally.
  await drawer.locator('button[type=submit]').tap();
  await drawer.locator('form .err').waitFor();
  await drawer.locator('select[name=kind]').selectOption('visit');
  await drawer.locator('textarea[name=note]').fill('上门演示，客户满意');
  await drawer.locator('input[name=outcome]').fill('约下周报价');
  await drawer.locator('button[type=submit]').tap();
  await drawer.locator('li.entry', { hasText: '上门演示，客户满意' }).waitFor({ timeout: 15000 });
  assert.equal(await drawer.locator('li.entry').count(), 2);
  assert.equal((await page.evaluate(() => window.__added)).length, 1, 'allot:follow-up-added reached the host');
  const log = await api(page, 'GET', `/customers/${created.body.id}/follow-ups`);
  assert.equal(log.body.items[0].note, '上门演示，客户满意');
  assert.equal(log.body.items[0].kind, 'visit');
  await page.screenshot({ path: join(SHOTS, 'drawer-390.png') });
  // The card's version followed the follow-up: a keyboard move right after succeeds.
  await drawer.locator('button.close').tap();
  const saved = page.waitForResponse((r) => r.url().endsWith('/stage'));
  await board.locator('li.card', { hasText: name }).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal((await saved).status(), 200);
  assert.deepEqual(problems, []);
  await page.close();
});

test('reminders: an overdue follow-up is listed; logging it from there clears it', async () => {
  const { page, problems } = await openAsRep('#reminders', { width: 390, height: 844 });
  const name = `提醒客户 ${Date.now()}`;
  const created = await api(page, 'POST', '/customers', { name, next_follow_up_at: Date.now() - 2 * DAY });
  assert.equal(created.status, 201);
  await page.reload();
  const reminders = page.locator('allot-reminders');
  const item = reminders.locator(`li.reminder.overdue[data-customer="${created.body.id}"]`);
  await item.waitFor({ timeout: 15000 });
  assert.match(await item.textContent(), /逾期 2 天/);
  await item.locator('button.open').tap();
  await item.locator('textarea[name=note]').fill('电话回访完成');
  await item.locator('button[type=submit]').tap();
  await reminders.locator('.msg.ok').waitFor({ timeout: 15000 });
  await page.waitForFunction((id) => !document.querySelector('allot-reminders').shadowRoot.querySelector(`li.reminder[data-customer="${id}"]`), created.body.id, { timeout: 15000 });
  const after = await api(page, 'GET', `/customers/${created.body.id}`);
  assert.ok(after.body.last_follow_up_at > Date.now() - 60_000, 'the follow-up was logged');
  assert.ok(after.body.next_follow_up_at > Date.now(), 'the next one is in the future');
  await page.screenshot({ path: join(SHOTS, 'reminders-390.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a page with only <allot-board> loads the board\'s own bundle, not every element; one added later loads its own', async () => {
  const page = await context.newPage();
  const wasm = [];
  // Which bundle each wasm request was for: /widget/v/<kind>-<content hash>/allot_core_bg.wasm.
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname.match(/^\/widget\/v\/([a-z]+)-[0-9a-f]{16}\/allot_core_bg\.wasm$/)?.[1] ?? r.url()); });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${process.env.ALLOT_URL}/board.html`);
  await page.locator('allot-board li.card').first().waitFor({ timeout: 15000 });
  assert.deepEqual(wasm, ['board']);
  assert.equal(await page.evaluate(() => customElements.get('allot-customers')), undefined, 'other elements stay undefined');
  // An element the host adds later loads its own bundle when it appears.
  await page.evaluate(() => document.body.append(Object.assign(document.createElement('div'), { innerHTML: '<allot-reminders lang="en"></allot-reminders>' })));
  await page.waitForFunction(() => customElements.get('allot-reminders'), null, { timeout: 15000 });
  assert.deepEqual(wasm, ['board', 'reminders']);
  // Inside a host's own shadow root the loader cannot see an element; `use()` loads it.
  await page.evaluate(() => {
    const host = document.body.appendChild(document.createElement('div'));
    host.attachShadow({ mode: 'open' }).innerHTML = '<allot-dashboard lang="en"></allot-dashboard>';
  });
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => customElements.get('allot-dashboard')), undefined, 'not seen in a shadow root');
  await page.evaluate(async () => (await import('/widget/allot.js')).use('dashboard'));
  assert.ok(await page.evaluate(() => !!customElements.get('allot-dashboard')));
  assert.equal(wasm.at(-1), 'dashboard');
  assert.match(await page.evaluate(() => import('/widget/allot.js').then((m) => { try { m.use('nope'); return ''; } catch (e) { return e.message; } })), /unknown Allot element kinds: nope/);
  assert.deepEqual(problems, []);
  await page.close();
});
