// Measures <allot-customers> in headless Chromium: time from navigation to the first
// page of rows, and to 1,000 rows (page-size 200, "load more" until 1,000 are shown).
// Usage: node bench/render.mjs BASE_URL TOKEN
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, token] = process.argv.slice(2);
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'allot-bench-')), {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 390, height: 844 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = ctx.pages()[0] || await ctx.newPage();
const runs = [];
for (let i = 0; i < 3; i++) {
  await page.goto(`${base}/bench-render.html#${token}`);
  await page.waitForFunction(() => window.allotBench, null, { timeout: 60000 });
  const result = await page.evaluate(() => window.allotBench);
  runs.push(result);
}
await ctx.close();
const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[1];
console.log(JSON.stringify({ first_page_ms: median('first'), thousand_ms: median('thousand'), runs }));
