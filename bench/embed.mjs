// Repeat visits of a page that embeds Allot from another origin, on a phone: the demo
// host (portal/host/serve.mjs) with <allot-board> and <allot-customers> at 390×844 over
// an emulated mobile network (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up).
// Navigation → the first board card drawn, for a first visit and the median of 7 repeat
// visits, in two modes:
// - `hashed`: the widget's headers as served (bundles immutable under hashed paths);
// - `revalidated`: every bundle answer rewritten to `Cache-Control: public, max-age=0,
//   must-revalidate` (CDP Fetch interception), as every widget file answered before
//   content hashing, so each repeat visit asks again for each file (304s).
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

async function measure(mode) {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'allot-embed-bench-')), {
    executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
  if (mode === 'revalidated') {
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*/widget/v/*', requestStage: 'Response' }] });
    cdp.on('Fetch.requestPaused', (e) => {
      const responseHeaders = (e.responseHeaders ?? []).filter((h) => h.name.toLowerCase() !== 'cache-control');
      responseHeaders.push({ name: 'Cache-Control', value: 'public, max-age=0, must-revalidate' });
      cdp.send('Fetch.continueResponse', { requestId: e.requestId, responseHeaders }).catch(() => {});
    });
  }
  let asked = 0;
  cdp.on('Network.responseReceived', (e) => { if (e.response.url.includes('/widget/') && !e.response.fromDiskCache && !e.response.fromMemoryCache) asked++; });
  const visit = async () => {
    await page.goto('about:blank');
    asked = 0;
    const start = Date.now();
    await page.goto(`${host.origin}/`);
    await page.locator('allot-board li.card').first().waitFor({ timeout: 60000 });
    const ms = Date.now() - start;
    await page.waitForLoadState('networkidle');
    return { ms, asked };
  };
  const first = await visit();
  const repeats = [];
  for (let i = 0; i < 7; i++) repeats.push(await visit());
  await ctx.close();
  return { first_ms: first.ms, repeat_ms: median(repeats.map((r) => r.ms)), widget_requests_on_repeat: median(repeats.map((r) => r.asked)) };
}

const result = { hashed: await measure('hashed'), revalidated: await measure('revalidated') };
await host.close();
console.log(JSON.stringify(result));
