// The board benchmark: <allot-board> and the vanilla-JS board (bench/board-vanilla.*)
// side by side in one headless Chromium, on the same server and cards: navigation →
// board drawn with ~1,000 and ~10,000 cards, and a keyboard move → the card in the next
// column's DOM. Median of 5 runs each, alternating the two pages.
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
  const loaded = await page.evaluate(() => window.allotLoaded ?? 0);
  await page.waitForTimeout(200);
  const move = await page.evaluate(() => window.allotMove());
  // Let the widget's background load (the rest of the cards) and the move's request
  // finish, so that the next run starts with an idle server.
  await page.waitForLoadState('networkidle');
  return { rendered, cards, move, loaded };
}

const result = {};
for (const [label, token, scope] of [['1k', token1k, scope1k], ['10k', token10k, scope10k]]) {
  const runs = { widget: [], vanilla: [] };
  await run('widget', token, scope); // warm the HTTP cache and the wasm compile cache alike
  for (let i = 0; i < 5; i++) {
    for (const kind of ['widget', 'vanilla']) runs[kind].push(await run(kind, token, scope));
  }
  for (const kind of ['widget', 'vanilla']) {
    result[`${kind}_${label}`] = {
      cards: runs[kind][0].cards,
      render_ms: median(runs[kind].map((r) => r.rendered)),
      move_ms: median(runs[kind].map((r) => r.move)),
      loaded_ms: median(runs[kind].map((r) => r.loaded)),
    };
  }
}
await ctx.close();
console.log(JSON.stringify(result));
