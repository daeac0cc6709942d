// Browser tests of <allot-dashboard>: the charts draw the API's figures, at phone size
// (390×844, one column) and at desktop size (1280×800, side by side), with the table view,
// the period picker and the manager's review view. Run by `cargo xtask test`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, launch, open as openWith } from './support.mjs';

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });

/** Opens the portal as the demo admin (the first demo user) at a section. */
async function openAsAdmin(hash, size) {
  const { page, problems } = await openWith(context, '/');
  await page.setViewportSize(size);
  await page.locator('#user').selectOption({ index: 0 });
  await page.goto(`${process.env.ALLOT_URL}/${hash}`);
  return { page, problems };
}

/** The API's answer for a report, fetched in the page with the admin's token. */
async function apiReport(page, kind, query) {
  return page.evaluate(async ([kind, query]) => {
    const { users } = await import('/demo-config.js');
    const r = await fetch(`/api/v1/reports/${kind}?${query}`, { headers: { authorization: `Bearer ${users[0].token}` } });
    return r.json();
  }, [kind, query]);
}

const dash = (page) => page.locator('allot-dashboard:not([view])');
const values = (figure, selector, attr) => figure.locator(selector).evaluateAll((els, a) => els.map((e) => Number(e.getAttribute(a))), attr);

async function chartsMatchTheApi(page, query) {
  const d = dash(page);
  const funnel = d.locator('figure[data-report=funnel]');
  await funnel.locator('g.row').first().waitFor({ timeout: 15000 });
  const api = await apiReport(page, 'funnel', query);
  assert.ok(api.cohort > 0, 'the demo seed has customers in the period');
  assert.deepEqual(await values(funnel, 'g.row', 'data-value'), api.steps.map((s) => s.reached));
  const fairness = await apiReport(page, 'fairness', query);
  const fig = d.locator('figure[data-report=fairness]');
  await fig.locator('g.row').first().waitFor();
  assert.deepEqual(await values(fig, 'g.row', 'data-value'), fairness.reps.map((r) => r.held));
  assert.equal(await fig.locator('line.marker').count(), fairness.reps.length, 'a capacity line per rep');
  const pool = await apiReport(page, 'pool', query);
  const flow = d.locator('figure[data-report=pool]');
  await flow.locator('g.bucket').first().waitFor({ state: 'attached' });
  const ins = await values(flow, 'g.bucket', 'data-in');
  assert.equal(ins.length, pool.buckets.length);
  assert.equal(ins.reduce((a, b) => a + b, 0), pool.inflow);
  const strategies = await apiReport(page, 'strategies', query);
  const sfig = d.locator('figure[data-report=strategies]');
  await sfig.locator('g.row').first().waitFor();
  assert.equal(await sfig.locator('g.row').count(), strategies.strategies.length);
  // Every chart has a text alternative.
  for (const label of await d.locator('figure svg').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))) {
    assert.ok(label && label.length > 10, `svg aria-label: ${label}`);
  }
}

test('dashboard at 390×844: charts match the API, one column, table view', async () => {
  const { page, problems } = await openAsAdmin('#reports', { width: 390, height: 844 });
  await chartsMatchTheApi(page, 'days=30');
  const d = dash(page);
  // Stacked: every figure starts at the same x, one under the other.
  const xs = await d.locator('figure.chart').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().x)));
  assert.equal(new Set(xs).size, 1, `one column at phone width: ${xs}`);
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
  // The table view shows the same rows as the CSV.
  const funnel = d.locator('figure[data-report=funnel]');
  await funnel.locator('button.toggle').tap();
  const table = funnel.locator('.table table');
  await table.waitFor({ state: 'visible' });
  const csv = await page.evaluate(async () => {
    const { users } = await import('/demo-config.js');
    return (await fetch('/api/v1/reports/funnel?days=30&format=csv', { headers: { authorization: `Bearer ${users[0].token}` } })).text();
  });
  const csvRows = csv.trim().split('\r\n').length - 1;
  assert.equal(await table.locator('tbody tr').count(), csvRows, 'table rows = CSV rows');
  assert.equal(await funnel.locator('.plot').isHidden(), true);
  await page.screenshot({ path: join(SHOTS, 'dashboard-390.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('dashboard at 1280×800: side by side; the period picker refetches', async () => {
  const { page, problems } = await openAsAdmin('#reports', { width: 1280, height: 800 });
  await chartsMatchTheApi(page, 'days=30');
  const d = dash(page);
  const boxes = await d.locator('figure.chart').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().y));
  assert.ok(boxes.length >= 2 && Math.abs(boxes[0] - boxes[1]) < 1, `two charts on a row at desktop width: ${boxes}`);
  // A year: the funnel redraws with the year's figures (weekly pool buckets).
  await d.locator('.seg button', { hasText: '一年' }).click();
  await page.waitForFunction(() => {
    const root = document.querySelector('allot-dashboard:not([view])').shadowRoot;
    return root.querySelectorAll('figure[data-report=pool] g.bucket').length === 53;
  }, null, { timeout: 15000 });
  await chartsMatchTheApi(page, 'days=365');
  // The team picker narrows every chart to one team's reps.
  await d.locator('select[name=team]').selectOption('sales2');
  await page.waitForFunction(() => {
    const root = document.querySelector('allot-dashboard:not([view])').shadowRoot;
    return root.querySelectorAll('figure[data-report=fairness] g.row').length === 2;
  }, null, { timeout: 15000 });
  const teamFairness = await apiReport(page, 'fairness', 'days=365&team=sales2');
  assert.deepEqual(await values(d.locator('figure[data-report=fairness]'), 'g.row', 'data-value'), teamFairness.reps.map((r) => r.held));
  await page.screenshot({ path: join(SHOTS, 'dashboard-1280.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('allocation review puts strategies side by side and links to the rules', async () => {
  const { page, problems } = await openAsAdmin('#review', { width: 1280, height: 800 });
  const review = page.locator('allot-dashboard[view=review]');
  const panels = review.locator('section.panel[data-strategy]');
  await panels.first().waitFor({ timeout: 15000 });
  const api = await apiReport(page, 'strategies', 'days=30');
  assert.deepEqual(await panels.evaluateAll((els) => els.map((e) => e.dataset.strategy)), api.strategies.map((s) => s.strategy));
  const shown = await panels.first().locator('dd.conversion').textContent();
  assert.equal(shown, api.strategies[0].conversion == null ? '—' : `${(api.strategies[0].conversion * 100).toFixed(0)}%`);
  const panelYs = await panels.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().y)));
  assert.ok(panelYs.length < 2 || panelYs[0] === panelYs[1], 'side by side');
  assert.equal(await review.locator('a.rules').getAttribute('href'), '#allocate');
  await review.locator('a.rules').click();
  await page.waitForFunction(() => location.hash === '#allocate');
  await page.screenshot({ path: join(SHOTS, 'review-1280.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('dashboard at 360 px stacks without overflow, and speaks English with lang="en"', async () => {
  const { page, problems } = await openAsAdmin('#reports', { width: 360, height: 740 });
  const d = dash(page);
  await d.locator('figure[data-report=funnel] g.row').first().waitFor({ timeout: 15000 });
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
  const widths = await d.locator('figure.chart').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
  assert.ok(widths.every((r) => r <= 360), `every chart fits: ${widths}`);
  await page.locator('#lang').selectOption('en');
  await d.locator('figure[data-report=funnel] h3', { hasText: 'Funnel conversion' }).waitFor({ timeout: 15000 });
  assert.equal(await d.locator('h2').textContent(), 'Reports');
  assert.match(await d.locator('figure[data-report=pool] svg').getAttribute('aria-label'), /^Pool flow: /);
  assert.deepEqual(problems, []);
  await page.close();
});
