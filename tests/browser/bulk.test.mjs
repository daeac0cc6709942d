// Bulk work in <allot-customers>: rows picked by their checkboxes (or the page's), one
// action for all of them, the answer shown as done and skipped with reasons; axe over
// the element with the bar open, and screenshots at 390×844 and 1280×800. The bar's
// actions are <allot-bulk>, a bundle of their own that the list asks the loader for
// when a first row is picked: the list's first load never fetches it.
// Run by `cargo xtask test` (ALLOT_URL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHOTS, launch, open } from './support.mjs';

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

let context;
// The portal's CSP forbids inline script, which is how axe is put into the page.
before(async () => { context = await launch({ bypassCSP: true }); });
after(async () => { await context?.close(); });

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => (await window.axe.run(document.querySelector('allot-customers'), { resultTypes: ['violations'] }))
    .violations.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`));
}

/** Customers created by the portal's admin (user 0), owned by the admin. */
async function seed(page, prefix, n) {
  return page.evaluate(async ({ prefix, n }) => {
    const { users } = await import('/demo-config.js');
    const ids = [];
    for (let i = 0; i < n; i += 1) {
      const r = await fetch('/api/v1/customers', { method: 'POST', headers: { authorization: `Bearer ${users[0].token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `${prefix} ${i}` }) });
      ids.push((await r.json()).id);
    }
    return ids;
  }, { prefix, n });
}

/** An applied action reloads the list: wait until that load is in. */
const settled = (el) => el.locator('ul.list[aria-busy=false]').waitFor();

/** The widget bundle files the page fetches, as `kind/file` (`customers/allot_core_bg.wasm`). */
function bundles(page) {
  const fetched = [];
  page.on('request', (r) => {
    const m = r.url().match(/\/widget\/v\/([a-z]+)-[0-9a-f]+\/(.+)$/);
    if (m) fetched.push(`${m[1]}/${m[2]}`);
  });
  return fetched;
}

test('the list alone (/embed/customers) loads without the bulk bar; a first pick brings its actions', async () => {
  const { page, problems } = await open(context, '/');
  const token = await page.evaluate(async () => (await import('/demo-config.js')).users[0].token);
  await page.waitForLoadState('networkidle');
  const fetched = bundles(page);
  await page.goto(`${process.env.ALLOT_URL}/embed/customers#token=${encodeURIComponent(token)}&lang=zh-CN`);
  const el = page.locator('allot-customers');
  await el.locator('li.row').first().waitFor({ timeout: 15000 });
  await page.waitForLoadState('networkidle');
  assert.ok(fetched.includes('customers/allot_core_bg.wasm'), fetched.join(', '));
  assert.deepEqual(fetched.filter((f) => !f.startsWith('customers/')), [], 'the first load is the list\'s own bundle alone');

  // The count and the checkbox draw at once; the actions when the bar's bundle is in.
  await el.locator('li.row').first().locator('input.pick').click();
  const bar = el.locator('section.bulk');
  await bar.getByText('已选 1 个').waitFor();
  assert.equal(await el.locator('li.row input.pick:checked').count(), 1);
  await bar.locator('select[data-bulk=action]').waitFor({ timeout: 15000 });
  assert.ok(fetched.includes('bulk/allot_core_bg.wasm'), fetched.join(', '));
  await el.locator('li.row').nth(1).locator('input.pick').click();
  await bar.getByText('已选 2 个').waitFor();
  assert.equal(fetched.filter((f) => f === 'bulk/allot_core_bg.wasm').length, 1, 'fetched once');
  assert.deepEqual(problems, []);
  await page.close();
});

for (const [width, height] of [[390, 844], [1280, 800]]) {
  test(`picked rows are transferred in one action and the answer is shown (${width}×${height})`, async () => {
    const { page, problems } = await open(context, '/');
    const fetched = bundles(page);
    await page.setViewportSize({ width, height });
    await page.locator('#user').selectOption({ index: 0 });
    await page.reload();
    const el = page.locator('allot-customers');
    await el.locator('li.row').first().waitFor({ timeout: 15000 });
    const prefix = `批量浏览器${width}-${Date.now()}`;
    await seed(page, prefix, 3);
    const listed = page.waitForResponse((r) => r.url().includes('/api/v1/customers?') && r.url().includes('q='));
    await el.locator('input[type=search]').fill(prefix);
    await listed;
    const rows = el.locator('li.row', { hasText: prefix });
    await rows.nth(2).waitFor();
    assert.equal(await rows.count(), 3);

    // Two rows by their checkboxes: the bar counts them; a checkbox does not open the form.
    // The portal's `all` bundle has no bulk bar either: its bundle comes with the first pick.
    assert.ok(!fetched.some((f) => f.startsWith('bulk/')), fetched.join(', '));
    await rows.nth(0).locator('input.pick').click();
    await rows.nth(1).locator('input.pick').click();
    const bar = el.locator('section.bulk');
    await bar.getByText('已选 2 个').waitFor();
    assert.equal(await el.locator('form').count(), 0, 'picking is not editing');
    await bar.locator('select[data-bulk=action]').selectOption('transfer');
    await bar.locator('select[data-bulk=to] option', { hasText: '王芳' }).waitFor({ state: 'attached', timeout: 10000 });
    await bar.locator('select[data-bulk=to]').selectOption({ label: '王芳' });
    const heard = page.evaluate(() => new Promise((resolve) => document.addEventListener('allot:bulk-applied', (e) => resolve(e.detail), { once: true })));
    await bar.locator('button[data-bulk=go]').click();
    const answer = await heard;
    assert.equal(answer.done.length, 2, JSON.stringify(answer));
    await bar.locator('.msg.ok', { hasText: '已完成 2 个' }).waitFor();
    await settled(el);
    await el.locator('li.row', { hasText: prefix }).filter({ hasText: '王芳' }).nth(1).waitFor();
    assert.equal(await el.locator('li.row', { hasText: prefix }).filter({ hasText: '王芳' }).count(), 2, 'the list shows the new owner');

    // The whole page by the header checkbox, then a tag: the rows already tagged are
    // skipped with a reason when it is added again.
    await bar.locator('input[data-bulk=page]').check();
    await bar.getByText('已选 3 个').waitFor();
    await bar.locator('select[data-bulk=action]').selectOption('tag');
    await bar.locator('input[data-bulk=tag]').fill('展会');
    await bar.locator('button[data-bulk=go]').click();
    await bar.locator('.msg.ok', { hasText: '已完成 3 个' }).waitFor();
    await settled(el);
    await bar.locator('input[data-bulk=page]').check();
    await bar.locator('select[data-bulk=action]').selectOption('tag');
    await bar.locator('input[data-bulk=tag]').fill('展会');
    await bar.locator('button[data-bulk=go]').click();
    await bar.locator('.msg.ok', { hasText: '跳过 3 个：已有此标签 3' }).waitFor();
    await settled(el);
    const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page overflows by ${overflow}px`);

    // A delete asks twice; the bar open with an action chosen passes axe.
    await bar.locator('input[data-bulk=page]').check();
    await bar.locator('select[data-bulk=action]').selectOption('delete');
    await bar.locator('button[data-bulk=go]').click();
    await bar.locator('button[data-bulk=go]', { hasText: '确认删除 3 个客户' }).waitFor();
    await page.screenshot({ path: join(SHOTS, `bulk-${width}.png`), fullPage: width < 800 });
    const violations = await axe(page);
    assert.deepEqual(violations, [], violations.join('\n'));
    await bar.locator('button[data-bulk=go]').click();
    await bar.locator('.msg.ok', { hasText: '已完成 3 个' }).waitFor();
    await settled(el);
    assert.equal(await el.locator('li.row', { hasText: prefix }).count(), 0, 'deleted customers leave the list');
    assert.deepEqual(problems, []);
    await page.close();
  });
}
