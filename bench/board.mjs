// The board benchmark: <allot-board> and the vanilla-JS board (bench/board-vanilla.*)
// side by side in one headless Chromium, on the same server and cards: navigation →
// board drawn with ~1,000 and ~10,000 cards, and a keyboard move → the card in the next
// column's DOM. Median of 11 rounds; each round runs both sizes and both pages, in an
// order that alternates between rounds, so that drift over the run (server state, caches,
// heat) falls on every figure alike.
// Usage: node bench/board.mjs BASE_URL TOKEN_1K SCOPE_1K TOKEN_10K SCOPE_10K
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, token1k, scope1k, token10k, scope10k] = process.argv.slice(2);
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'allot-board-bench-')), {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = ctx.pages()[0] || await ctx.newPage();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function run(kind, token, scope) {
  // Unload the previous board first: tearing down a page with 10,000 cards would
  // otherwise count towards this navigation.
  await page.goto('about:blank');
  await page.waitForTimeout(300);
  await page.goto(`${base}/board-${kind}.html#${token}|${scope}`);
  await page.waitForFunction(() => window.allotBoard, null, { timeout: 120000 });
  const { rendered, cards } = await page.evaluate(() => window.allotBoard);
  // Card elements in the DOM when the board was first drawn (the vanilla board draws
  // every card; a virtualised column only those in view).
  const dom = await page.evaluate(() => (document.querySelector('allot-board')?.shadowRoot ?? document).querySelectorAll('li.card').length);
  const loaded = await page.evaluate(() => window.allotLoaded ?? 0);
  await page.waitForTimeout(200);
  const move = await page.evaluate(() => window.allotMove());
  // Let the widget's background load (the rest of the cards) and the move's request
  // finish, so that the next run starts with an idle server.
  await page.waitForLoadState('networkidle');
  return { rendered, cards, move, loaded, dom };
}

const ROUNDS = 11;
const sizes = [['1k', token1k, scope1k], ['10k', token10k, scope10k]];
const runs = {};
for (const [label, token, scope] of sizes) {
  await run('widget', token, scope); // warm the HTTP cache and the wasm compile cache alike
  for (const kind of ['widget', 'vanilla']) runs[`${kind}_${label}`] = [];
}
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...sizes].reverse() : sizes;
  for (const [label, token, scope] of order) {
    const kinds = (round >> 1) % 2 ? ['vanilla', 'widget'] : ['widget', 'vanilla'];
    for (const kind of kinds) runs[`${kind}_${label}`].push(await run(kind, token, scope));
  }
}
const result = {};
for (const [key, rs] of Object.entries(runs)) {
  result[key] = {
    cards: rs[0].cards,
    dom_cards: rs[0].dom,
    render_ms: median(rs.map((r) => r.rendered)),
    move_ms: median(rs.map((r) => r.move)),
    loaded_ms: median(rs.map((r) => r.loaded)),
  };
}
// The widget at 10,000 cards against 1,000, round by round (the same round's runs are
// seconds apart): the median difference and the middle half of the differences.
const diffs = runs.widget_10k.map((r, i) => r.rendered - runs.widget_1k[i].rendered).sort((a, b) => a - b);
result.widget_10k_minus_1k = { median_ms: median(diffs), q1_ms: diffs[Math.floor(diffs.length / 4)], q3_ms: diffs[Math.floor(3 * diffs.length / 4)], rounds: diffs.length };
await ctx.close();
console.log(JSON.stringify(result));
