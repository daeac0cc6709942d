// Browser tests of <allot-admin>, the admin console, on its demo page (/admin.html, which
// embeds only this element): an admin adds a rep, edits the allocation weights, sees the
// preview change, saves, and a new intake customer is allocated by the saved rule; pool
// rules show the "would be recycled now" count as they are edited; a GBK CSV with two bad
// rows is imported through the screen and its error file downloaded; a rep leaves with a
// hand-over to the pool in one step; axe finds nothing at 390×844 and 1280×800, where each
// section is also photographed. Runs last in the browser suite: it changes the demo tenant.
// Run by `cargo xtask test browser` (ALLOT_URL, ALLOT_ADMIN_TOKEN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHOTS, launch } from './support.mjs';

const API = process.env.ALLOT_URL;
const ADMIN = process.env.ALLOT_ADMIN_TOKEN;
const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let context;
// The page's CSP forbids inline script, which is how axe is put into the page.
before(async () => { context = await launch({ bypassCSP: true }); });
after(async () => { await context?.close(); });

async function api(method, path, body) {
  const r = await fetch(`${API}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

/** The admin console as the demo user `index` (0: the admin, 1: the manager), with the
 * console's events recorded from before the element connects. */
async function openConsole(size, index = 0, lang = 'zh-CN') {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.setViewportSize(size);
  await page.addInitScript(([i, l]) => {
    localStorage.setItem('allot-demo-user', String(i));
    window.__adminEvents = [];
    document.addEventListener('allot:admin-section', (e) => window.__adminEvents.push(e.detail));
    document.addEventListener('DOMContentLoaded', () => document.querySelector('allot-admin')?.setAttribute('lang', l));
  }, [index, lang]);
  await page.goto(`${API}/admin.html`);
  await page.locator('allot-admin nav.sections button').first().waitFor({ timeout: 20000 });
  return { page, problems, admin: page.locator('allot-admin') };
}

async function openSection(admin, key) {
  await admin.locator(`nav.sections button[data-section=${key}]`).click();
  await admin.locator(`section.pane[data-section=${key}]`).waitFor();
}

const status = (admin) => admin.locator('.msg[role=status], .msg[role=alert]');

test('an admin adds a rep, edits the weights, sees the preview change, saves, and intake follows the saved rule', async () => {
  const { page, problems, admin } = await openConsole(DESKTOP);
  const first = await page.evaluate(() => window.__adminEvents[0]);
  assert.equal(first.section, 'team', 'the first section drawn is the team');
  assert.ok(first.first_render_ms > 0 && first.first_render_ms < 5000, `first render ${first.first_render_ms} ms`);
  console.log(`# <allot-admin> first render (connected → first section drawn): ${Math.round(first.first_render_ms)} ms`);

  // Team: add a rep.
  const id = `rep-new-${Date.now() % 100000}`;
  await admin.locator('button.add-rep').click();
  const form = admin.locator('form.rep-form');
  await form.locator('input[name=id]').fill(id);
  await form.locator('input[name=name]').fill('新同事');
  await form.locator('input[name=team]').fill('sales1');
  await form.locator('input[name=capacity]').fill('30');
  await form.locator('input[name=regions][value=east]').check();
  await form.locator('input[name=industries][value=retail]').check();
  await form.locator('button.save-rep').click();
  await admin.locator(`tr[data-rep="${id}"]`).waitFor();
  const added = (await api('GET', '/reps')).items.find((r) => r.id === id);
  assert.deepEqual([added.name, added.capacity, added.regions, added.industries, added.active], ['新同事', 30, ['east'], ['retail'], true]);
  // A bad capacity is refused by shared's validator before anything is sent, and kept.
  await admin.locator(`tr[data-rep="${id}"] button.edit`).click();
  await form.locator('input[name=capacity]').fill('lots');
  await form.locator('button.save-rep').click();
  await admin.locator('.msg.err code', { hasText: 'capacity' }).waitFor();
  assert.equal(await form.locator('input[name=capacity]').inputValue(), 'lots', 'what was typed stays');
  await form.locator('input[name=capacity]').fill('35');
  await form.locator('button.save-rep').click();
  await admin.locator(`tr[data-rep="${id}"] td.held`, { hasText: '/35' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'admin-team-1280.png'), fullPage: true });

  // Allocation rules: the preview follows the weights on screen.
  await openSection(admin, 'allocation');
  const table = admin.locator('table.preview');
  await table.locator('tbody tr').first().waitFor({ timeout: 20000 });
  const before = await table.innerText();
  for (const name of ['performance', 'industry', 'region', 'customer_type']) await admin.locator(`input[name=${name}]`).fill('0');
  await admin.locator('input[name=load]').fill('5');
  // The preview is the server's: it comes to show what the same request answers.
  const expected = await api('POST', '/allocations/preview', { strategy: 'combined', weights: { performance: 0, industry: 0, region: 0, customer_type: 0, load: 5 }, seed: 1 });
  const addedByRep = Object.fromEntries(expected.distribution.reps.filter((r) => r.count_after > r.count_before).map((r) => [r.rep, r.count_after - r.count_before]));
  const shown = async () => Object.fromEntries(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.dataset.rep, Number(r.querySelector('td.added').textContent)])));
  for (let i = 0; i < 150 && JSON.stringify(await shown()) !== JSON.stringify(addedByRep); i++) await page.waitForTimeout(100);
  assert.deepEqual(await shown(), addedByRep);
  assert.notEqual(await table.innerText(), before, 'the preview changed with the weights');
  const version = (await api('GET', '/allocation/rules')).version;
  await admin.locator('button.save-rules').click();
  await status(admin).filter({ hasText: `v${version + 1}` }).waitFor();
  const saved = await api('GET', '/allocation/rules');
  assert.deepEqual([saved.version, saved.strategy, saved.weights], [version + 1, 'combined', { performance: 0, industry: 0, region: 0, customer_type: 0, load: 5 }]);
  // Its history lists the version just saved, by the admin.
  await admin.locator('button.history').click();
  await admin.locator(`table.history tr[data-version="${version + 1}"]`).waitFor();
  await page.screenshot({ path: join(SHOTS, 'admin-allocation-1280.png'), fullPage: true });

  // An intake key made in the console; a customer sent with it is allocated by the saved
  // rule: its audit event names the rule and version, and only spare capacity counting,
  // the rep with the most spare capacity gets it.
  await openSection(admin, 'intake');
  await admin.locator('input[name=label]').fill('管理台测试表单');
  await admin.locator('button.create-key').click();
  const secret = (await admin.locator('.created-key .secret').textContent()).trim();
  assert.match(secret, /^ik_/);
  await admin.locator('.created-key img.qr').waitFor();
  const reps = (await api('GET', '/reps')).items.filter((r) => r.active && r.capacity > 0);
  const spare = (r) => 1 - r.held / r.capacity;
  const best = Math.max(...reps.map(spare));
  const expectedOwners = reps.filter((r) => spare(r) === best).map((r) => r.id);
  assert.ok(expectedOwners.includes(id), 'the new rep has the most spare capacity');
  const company = `管理台线索${Date.now()}`;
  const sent = await fetch(`${API}/api/v1/intake`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'idempotency-key': `admin-test-${Date.now()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: '线索客户', company, phone: `139${String(Date.now()).slice(-8)}`, city: '上海', elapsed_ms: 8000 }),
  });
  assert.equal(sent.status, 200, await sent.text());
  const customer = (await api('GET', `/customers?q=${encodeURIComponent(company)}`)).items[0];
  assert.ok(expectedOwners.includes(customer.owner), `allocated to ${customer.owner}, expected one of ${expectedOwners}`);
  const trail = (await api('GET', `/audit?customer=${customer.id}`)).items;
  assert.ok(trail.some((e) => e.rule === `combined@v${version + 1}`), `the audit names the saved rule: ${JSON.stringify(trail)}`);

  // Audit: the customer's timeline through the console.
  await openSection(admin, 'audit');
  await admin.locator('input[name=customer]').fill(customer.id);
  await admin.locator('section.pane[data-section=audit] button[type=submit]').click();
  await admin.locator('table.timeline tbody tr').first().waitFor();
  assert.match(await admin.locator('table.timeline').innerText(), new RegExp(`combined@v${version + 1}`));
  assert.deepEqual(problems, []);
  await page.close();
});

test('pool rules show how many customers they would recycle now, as they are edited', async () => {
  const { page, problems, admin } = await openConsole(DESKTOP);
  await openSection(admin, 'pool');
  const count = admin.locator('.would-recycle');
  await page.waitForFunction((el) => /^\d+$/.test(el.shadowRoot.querySelector('.would-recycle')?.textContent ?? ''), await admin.elementHandle(), { timeout: 20000 });
  const now = Number(await count.textContent());
  const rules = await api('GET', '/pool/rules');
  assert.equal(now, (await api('POST', '/pool/rules/preview', rules)).total, 'the count is the server\'s for the stored rules');
  // Recycle regular customers after one day without a follow-up: more would go.
  await admin.locator('form.pool-rules').first().locator('input[name="no_follow_up.regular"]').fill('1');
  await page.waitForFunction(([el, old]) => { const t = el.shadowRoot.querySelector('.would-recycle')?.textContent; return /^\d+$/.test(t) && t !== old; }, [await admin.elementHandle(), String(now)], { timeout: 15000 });
  const edited = Number(await count.textContent());
  rules.pools[0].recycle_without_follow_up_days.regular = 1;
  assert.equal(edited, (await api('POST', '/pool/rules/preview', rules)).total);
  assert.ok(edited > now, `${edited} > ${now}`);
  await page.screenshot({ path: join(SHOTS, 'admin-pool-rules-1280.png'), fullPage: true });
  // Nothing was saved: the stored rules are unchanged.
  assert.equal((await api('GET', '/pool/rules')).version, rules.version);
  assert.deepEqual(problems, []);
  await page.close();
});

// Two admins edit the same rules: the one who saves second is told by the server's own
// message that the rules changed meanwhile, and what they typed is still on screen, to
// compare and save again (the version their form now names is the server's newest).
for (const { section, path, field, stored, value, save } of [
  { section: 'pool', path: '/pool/rules', field: 'input[name="no_follow_up.regular"]', stored: (r) => r.pools[0].recycle_without_follow_up_days.regular, value: '9', save: 'button.save-pool' },
  // A weight is a slider from 0 to 5 in halves.
  { section: 'allocation', path: '/allocation/rules', field: 'input[name=load]', stored: (r) => r.weights.load, value: '3.5', save: 'button.save-rules' },
]) {
  test(`a stale ${section} rules save shows the server's message and keeps what was typed`, async () => {
    const { page, problems, admin } = await openConsole(DESKTOP);
    await openSection(admin, section);
    const input = admin.locator(field).first();
    await input.waitFor({ timeout: 20000 });
    // The stored rules are on screen before anything is typed over them.
    const mine = String(stored(await api('GET', path)));
    assert.notEqual(mine, value, 'the test types a change');
    for (let i = 0; i < 200 && (await input.inputValue()) !== mine; i++) await page.waitForTimeout(50);
    assert.equal(await input.inputValue(), mine);
    await input.fill(value);
    // Meanwhile another admin saves the same rules (the version the form holds is now stale).
    const theirs = await api('GET', path);
    const saved = await api('PUT', path, theirs);
    assert.equal(saved.version, theirs.version + 1);
    // What the server answers a save from the old version, in its own words.
    const refused = await fetch(`${API}/api/v1${path}`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(theirs) });
    const { error } = await refused.json();
    assert.deepEqual([refused.status, error.code], [409, 'stale']);
    await admin.locator(save).first().click();
    const alert = admin.locator(`section.pane[data-section=${section}] .msg.err[role=alert]`);
    await alert.waitFor({ timeout: 15000 });
    assert.equal((await alert.locator('p').first().textContent()).trim(), error.message, 'the server\'s message, as it said it');
    assert.equal(await input.inputValue(), value, 'what was typed stays');
    assert.equal((await api('GET', path)).version, saved.version, 'nothing was written over the other admin\'s version');
    assert.deepEqual(problems.filter((p) => !/409/.test(p)), []);
    await page.close();
  });
}

// 客户名称,公司,电话,城市 and five rows in GBK, as Excel in China saves them: the third
// has a phone that is not one, the fifth a city in no territory.
const GBK_CSV = Buffer.from('bfcdbba7c3fbb3c62cb9abcbbe2cb5e7bbb02cb3c7cad00d0ad0c7bad3b5bcc8ebbcd72cd0c7bad3bbfad0b5d3d0cfdeb9abcbbe2c31333831313131303030312cc9cfbaa30d0ad0c7bad3b5bcc8ebd2d22cd4b6beb0bfc6bcbc2c31333831313131303030322cb1b1bea90d0ad0c7bad3b5bcc8ebb1fb2cbbb5bac5c2ebb9abcbbe2cb4f2b5e7bbb0b8f8ced22cb9e3d6dd0d0ad0c7bad3b5bcc8ebb6a12cb6a1b9abcbbe2c31323334352cc9eedbda0d0ad0c7bad3b5bcc8ebceec2cceecb9abcbbe2c31333831313131303030352cbbf0d0c70d0a', 'hex');

test('a GBK CSV with two bad rows: dry run table, error file, import, report', async () => {
  const { page, problems, admin } = await openConsole(PHONE);
  await openSection(admin, 'import');
  await admin.locator('input[name=file]').setInputFiles({ name: '客户.csv', mimeType: 'text/csv', buffer: GBK_CSV });
  const bad = admin.locator('table.dry-run tr.bad');
  await bad.first().waitFor({ timeout: 20000 });
  assert.deepEqual(await bad.evaluateAll((rows) => rows.map((r) => Number(r.dataset.line))), [4, 6]);
  assert.match(await status(admin).first().innerText(), /5.*3.*2/s, 'rows, valid, errors');
  await page.screenshot({ path: join(SHOTS, 'admin-import-dry-run-390.png'), fullPage: true });

  const download = page.waitForEvent('download');
  await admin.locator('button.errors-csv').click();
  const file = await download;
  const bytes = readFileSync(await file.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM');
  const lines = bytes.toString('utf8').slice(1).split('\r\n').filter(Boolean);
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.equal(lines[0], '行号,字段,问题,说明,客户名称,公司,电话,城市');
  assert.match(lines[1], /^4,phone,invalid_phone,.*星河导入丙,坏号码公司,打电话给我,广州$/);
  assert.match(lines[2], /^6,region,not_in_list,.*星河导入戊,戊公司,13811110005,火星$/);

  // The template: the importer's headers, the owner column among them, for Excel.
  const templateDownload = page.waitForEvent('download');
  await admin.locator('button.template').click();
  const template = readFileSync(await (await templateDownload).path());
  assert.deepEqual([...template.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.match(template.toString('utf8'), /负责人/);
  // The Excel template: a workbook, byte for byte what the API sends, which the importer
  // reads back as one valid example row.
  const workbookDownload = page.waitForEvent('download');
  await admin.locator('button.template-xlsx').click();
  const workbookFile = await workbookDownload;
  assert.equal(workbookFile.suggestedFilename(), 'allot-import-template.xlsx');
  const workbook = readFileSync(await workbookFile.path());
  const served = Buffer.from(await (await fetch(`${API}/api/v1/customers/import/template?format=xlsx`, { headers: { authorization: `Bearer ${ADMIN}` } })).arrayBuffer());
  assert.ok(workbook.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) && workbook.equals(served), 'the workbook as served');
  const tried = await fetch(`${API}/api/v1/customers/import?dry_run=true`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, body: workbook });
  const report = await tried.json();
  assert.deepEqual([tried.status, report.rows, report.errors.length], [200, 1, 0], JSON.stringify(report));

  await admin.locator('button.apply-import').click();
  await status(admin).filter({ hasText: '已导入 3' }).waitFor({ timeout: 20000 });
  const imported = await api('GET', `/customers?q=${encodeURIComponent('星河导入')}`);
  assert.equal(imported.items.length, 3);
  await page.screenshot({ path: join(SHOTS, 'admin-import-done-390.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a rep leaves: every customer handed to the pool and the rep deactivated in one step', async () => {
  const { page, problems, admin } = await openConsole(PHONE);
  const rep = (await api('GET', '/reps')).items.find((r) => r.id === 'rep-zhou');
  assert.ok(rep.active && rep.held > 0, `rep-zhou holds ${rep.held}`);
  const row = admin.locator('tr[data-rep=rep-zhou]');
  await row.locator('button.hand-over').click();
  const form = admin.locator('form.hand-over');
  await form.locator('select[name=to]').selectOption('');
  assert.ok(await form.locator('input[name=deactivate]').isChecked());
  assert.match(await form.locator('.preview').innerText(), new RegExp(`${rep.held}.*公海`));
  await page.screenshot({ path: join(SHOTS, 'admin-hand-over-390.png'), fullPage: true });
  const answered = page.waitForResponse((r) => r.url().endsWith('/reps/rep-zhou/hand-over'));
  await form.locator('button[type=submit]').click();
  const handed = await (await answered).json();
  assert.deepEqual([handed.moved, handed.to, handed.deactivated], [rep.held, null, true]);
  await status(admin).filter({ hasText: `${rep.held}` }).waitFor({ timeout: 20000 });
  await row.locator('button.reactivate').waitFor();
  const after = (await api('GET', '/reps')).items.find((r) => r.id === 'rep-zhou');
  assert.deepEqual([after.active, after.held], [false, 0]);
  const trail = await api('GET', `/audit?customer=${handed.customer_ids[0]}`);
  assert.ok(trail.items.some((e) => e.action === 'release' && e.from === 'rep-zhou' && /hand_over/.test(e.reason ?? '')), JSON.stringify(trail.items));
  // And back: reactivated from the same row.
  await row.locator('button.reactivate').click();
  await row.locator('button.hand-over').waitFor();
  assert.equal((await api('GET', '/reps')).items.find((r) => r.id === 'rep-zhou').active, true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('segment rules are edited as forms: a new rule, its conditions from each field\'s own values, saved and counted', async () => {
  const { page, problems, admin } = await openConsole(DESKTOP);
  await openSection(admin, 'model');
  const before = (await api('GET', '/settings')).segments;
  await admin.locator('button.add-segment').click();
  const rule = admin.locator('li.segment').nth(before.length);
  await rule.waitFor();
  const key = await rule.getAttribute('data-segment');
  const change = async (locator, value) => { await locator.fill(value); await locator.dispatchEvent('change'); };
  await change(rule.locator('input[name=segment_name]'), '大单客户');
  await change(rule.locator('input[name=cadence_days]'), '5');
  // First condition: the amount, at least 100,000 (the comparisons offered are a number's).
  await rule.locator('button.add-condition').click();
  const first = rule.locator('li.condition').nth(0);
  await first.locator('select[name=field]').selectOption('amount');
  assert.deepEqual(await first.locator('select[name=op] option').evaluateAll((os) => os.map((o) => o.value)), ['gte', 'lte', 'eq', 'ne']);
  await first.locator('select[name=op]').selectOption('gte');
  await change(first.locator('input[name=value]'), '100000');
  // Second: the value tier is one of two, ticked from the tier's own list.
  await rule.locator('button.add-condition').click();
  const second = rule.locator('li.condition').nth(1);
  await second.locator('select[name=field]').selectOption('tier');
  await second.locator('select[name=op]').selectOption('in');
  await second.locator('input[name=value][value=potential]').check();
  await second.locator('input[name=value][value=key]').waitFor();
  await page.screenshot({ path: join(SHOTS, 'admin-segments-1280.png'), fullPage: true });
  await admin.locator('button.save-settings').click();
  await status(admin).filter({ hasText: /v\d+/ }).first().waitFor({ timeout: 15000 });
  const saved = (await api('GET', '/settings')).segments.find((s) => s.key === key);
  assert.deepEqual(saved, { key, zh: '大单客户', en: '大单客户', cadence_days: 5, when: [{ field: 'amount', op: 'gte', value: 100000 }, { field: 'tier', op: 'in', value: ['key', 'potential'] }] });
  // How many customers each rule gets now: the server's count, drawn beside the rule.
  await admin.locator('button.count-segments').click();
  const count = admin.locator(`span.count[data-segment="${key}"]`);
  for (let i = 0; i < 200 && !/^\d+$/.test((await count.textContent()) ?? ''); i++) await page.waitForTimeout(50);
  const expected = (await api('POST', '/settings/segments/preview', await api('GET', '/settings'))).segments.find((s) => s.key === key).count;
  assert.equal(Number(await count.textContent()), expected);
  // A rule is removed as easily (and nothing is saved until the reader saves).
  await rule.locator('button.remove-segment').click();
  await admin.locator(`li.segment[data-segment="${key}"]`).waitFor({ state: 'detached' });
  assert.ok((await api('GET', '/settings')).segments.some((s) => s.key === key));
  assert.deepEqual(problems, []);
  await page.close();
});

test('a manager sees the team and reads the rules without changing them', async () => {
  const { page, problems, admin } = await openConsole(PHONE, 1);
  const tabs = await admin.locator('nav.sections button').evaluateAll((b) => b.map((x) => x.dataset.section));
  assert.ok(tabs.includes('team') && tabs.includes('allocation'), tabs.join());
  assert.ok(!tabs.includes('model') && !tabs.includes('intake'), `admin-only sections hidden: ${tabs}`);
  await admin.locator('tr[data-rep=rep-wang]').waitFor();
  await openSection(admin, 'allocation');
  await admin.locator('select[name=strategy]').waitFor();
  assert.ok(await admin.locator('select[name=strategy]').isDisabled());
  assert.equal(await admin.locator('button.save-rules').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

for (const [size, label, lang] of [[PHONE, '390', 'zh-CN'], [DESKTOP, '1280', 'en']]) {
  test(`every section passes axe at ${size.width}×${size.height} (${lang}), photographed`, async () => {
    const { page, problems, admin } = await openConsole(size, 0, lang);
    const sections = await admin.locator('nav.sections button').evaluateAll((b) => b.map((x) => x.dataset.section));
    assert.equal(sections.length, 8);
    await page.addScriptTag({ path: AXE });
    const found = [];
    for (const key of sections) {
      await openSection(admin, key);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(200);
      const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] }))
        .violations.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`));
      found.push(...violations.map((v) => `${key}: ${v}`));
      const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${key}: the page overflows by ${overflow}px`);
      await page.screenshot({ path: join(SHOTS, `admin-${key}-${label}.png`), fullPage: true });
    }
    assert.deepEqual(found, [], found.join('\n'));
    assert.deepEqual(problems, []);
    await page.close();
  });
}
