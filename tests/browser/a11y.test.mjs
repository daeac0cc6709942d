// Accessibility: axe-core (pinned in package.json) checks every portal section's element,
// shadow roots included, as an admin and as a rep at 390×844 in Chinese, and as the admin
// at 1280×800 in English, with all of axe's WCAG rules (names, roles, ARIA, colour
// contrast, keyboard access to scrolling regions, …).
// Run by `cargo xtask test` (ALLOT_URL; ALLOT_KINDS: the element kinds, widget/src/kinds.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { launch, open } from './support.mjs';

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));
const SECTIONS = ['customers', 'intake', 'allocate', 'pool', 'board', 'reminders', 'reports', 'review'];
const ELEMENTS = process.env.ALLOT_KINDS.split(',').map((kind) => `allot-${kind}`).join(', ');
// Who (the portal's user picker), the viewport width, the elements' language, the role.
const CASES = [['the admin', 0, 390, 'zh-CN', 'admin'], ['the rep', 2, 390, 'zh-CN', 'rep'], ['the admin, in English at 1280×800', 0, 1280, 'en', 'admin']];

let context;
// The portal's CSP forbids inline script, which is how axe is put into the page.
before(async () => { context = await launch({ bypassCSP: true }); });
after(async () => { await context?.close(); });

test('the demo portal passes axe as a page, not only the elements in it (390×844)', async () => {
  const { page, problems } = await open(context, '/');
  await page.locator('#user').selectOption({ index: 0 });
  await page.reload();
  await page.waitForLoadState('networkidle');
  await page.locator('allot-customers li.row').first().waitFor({ timeout: 15000 });
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] }))
    .violations.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`));
  assert.deepEqual(violations, [], violations.join('\n'));
  assert.deepEqual(problems, []);
  await page.close();
});

for (const [who, index, width, lang, role] of CASES) {
  test(`every element passes axe as ${who}`, async () => {
    const { page, problems } = await open(context, '/');
    await page.setViewportSize({ width, height: width > 800 ? 800 : 844 });
    const found = [];
    for (const section of SECTIONS) {
      await page.goto(`${process.env.ALLOT_URL}/#${section}`);
      await page.locator('#user').selectOption({ index });
      await page.reload();
      await page.locator('#lang').selectOption(lang); // the portal's language picker
      await page.waitForLoadState('networkidle');
      // The element has drawn its answers once something besides its stylesheet is in it.
      await page.locator(`#${section} :is(${ELEMENTS})`)
        .first().evaluate((el) => new Promise((resolve) => {
          const drawn = () => (el.shadowRoot?.querySelectorAll('*').length ?? 0) > 5;
          if (drawn()) return resolve();
          const t = setInterval(() => { if (drawn()) { clearInterval(t); resolve(); } }, 50);
          setTimeout(() => { clearInterval(t); resolve(); }, 10000);
        }));
      await page.waitForTimeout(300);
      if (section === 'customers') {
        // The language took effect (the check would pass vacuously otherwise).
        const add = await page.locator('#customers allot-customers button.primary').textContent();
        assert.equal(add, lang === 'en' ? 'New customer' : '新建客户');
        // As the rep, checked with the edit form and its collaborators panel open too,
        // on one of the rep's own customers (the admin owns none).
        if (role === 'rep') {
          const listed = page.waitForResponse((r) => r.url().includes('owner=me'));
          await page.locator('#customers allot-customers .seg button').first().click();
          await listed;
          await page.locator('#customers allot-customers ul.list[aria-busy=false]').waitFor();
          await page.locator('#customers allot-customers li.row').first().click();
          await page.locator('#customers allot-customers section.collab option').nth(1).waitFor({ state: 'attached', timeout: 10000 });
        }
      }
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async (id) => {
        const result = await window.axe.run(document.getElementById(id), { resultTypes: ['violations'] });
        return result.violations.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
      }, section);
      found.push(...violations.map((v) => `#${section}: ${v}`));
    }
    assert.deepEqual(found, [], found.join('\n'));
    assert.deepEqual(problems, []);
    await page.close();
  });
}
