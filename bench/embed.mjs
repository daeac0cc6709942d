// Repeat visits of a page that embeds Allot from another origin, on a phone: the demo
// host (portal/host/serve.mjs) with <allot-board> and <allot-customers> at 390×844 over
// an emulated mobile network (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up).
// Navigation → the first board card drawn, for a first visit and the median of 7 repeat
// visits, against whatever caching the server at API answers with (`cargo xtask bench
// embed` runs it against the build's `_headers`, and against the same files with the
// immutable rule taken out: every file `public, max-age=0, must-revalidate`, as before
// content hashing).
// Usage: node bench/embed.mjs API ADMIN_TOKEN CONFIG_JS
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { serveHost, register } from '../portal/host/serve.mjs';

const [api, admin, config] = process.argv.slice(2);
const host = await serveHost({ api, config });
await register(api, admin, host.origin, 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure() {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'allot-embed-bench-')), {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
  // Widget files answered by the network (200 or 304), not from the memory or disk cache.
  const fetched = new Map();
  cdp.on('Network.requestWillBeSent', (e) => { if (e.request.url.includes('/widget/')) fetched.set(e.requestId, true); });
  cdp.on('Network.requestServedFromCache', (e) => fetched.delete(e.requestId));
  cdp.on('Network.responseReceived', (e) => { if (e.response.fromDiskCache) fetched.delete(e.requestId); });
  const visit = async () => {
    await page.goto('about:blank');
    fetched.clear();
    const start = Date.now();
    await page.goto(`${host.origin}/`);
    await page.locator('allot-board li.card').first().waitFor({ timeout: 60000 });
    const ms = Date.now() - start;
    await page.waitForLoadState('networkidle');
    return { ms, asked: fetched.size };
  };
  const first = await visit();
  const repeats = [];
  for (let i = 0; i < 7; i++) repeats.push(await visit());
  await ctx.close();
  return { first_ms: first.ms, repeat_ms: median(repeats.map((r) => r.ms)), widget_requests_on_repeat: median(repeats.map((r) => r.asked)) };
}

const result = await measure();
await host.close();
console.log(JSON.stringify(result));
