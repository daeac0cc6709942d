// Lighthouse's mobile performance audit (its default: a mid-range phone, simulated slow
// 4G, 4× CPU slowdown) over the pages phones open first — an intake key's hosted form
// `/f/<key>`, the personal-link page `/m/`, the board-only `/board.html` — served
// brotli-compressed through bench/brotli-proxy.mjs as Cloudflare would serve them.
// Prints one JSON line per page: the median of `RUNS` runs of the score, LCP, TBT, FCP,
// and the bytes transferred. Then, for `/f/<key>`, navigation → interactive at 390×844 on
// the same network and CPU (a fresh browser profile each run: a first visit): the time
// until the form's submit button is drawn, which Leptos draws with its handler attached.
// Run by `cargo xtask bench lighthouse`.
// Usage: node bench/lighthouse.mjs <worker origin> <admin token>
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { chromium } from 'playwright-core';
import { serveCompressed } from './brotli-proxy.mjs';

const [worker, admin] = process.argv.slice(2);
const RUNS = Number(process.env.ALLOT_LIGHTHOUSE_RUNS ?? 3);
const proxy = await serveCompressed({ target: worker });
const api = async (path, body) => {
  const r = await fetch(`${worker}/api/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
};
const key = (await api('/intake-keys', { label: 'Lighthouse', daily_limit: 100000 })).secret;
const pages = [
  ['/f/<key> (intake form)', () => `${proxy.origin}/f/${key}`],
  // A fresh link per run: each run is a first visit, with its exchange.
  ['/m/ (personal link: board)', async () => (await api('/users/rep-wang/links', {})).url.replace(/^https?:\/\/[^/]+/, proxy.origin)],
  ['/board.html', () => `${proxy.origin}/board.html`],
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const chrome = await chromeLauncher.launch({ chromePath: '/usr/bin/chromium', chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  for (const [name, url] of pages) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const result = await lighthouse(await url(), { port: chrome.port, onlyCategories: ['performance'], output: 'json', logLevel: 'error' });
      const audits = result.lhr.audits;
      runs.push({
        score: Math.round(result.lhr.categories.performance.score * 100),
        lcp: audits['largest-contentful-paint'].numericValue,
        tbt: audits['total-blocking-time'].numericValue,
        fcp: audits['first-contentful-paint'].numericValue,
        bytes: audits['total-byte-weight'].numericValue,
      });
    }
    const pick = (k) => median(runs.map((r) => r[k]));
    console.log(JSON.stringify({ page: name, runs: RUNS, score: pick('score'), lcp_ms: Math.round(pick('lcp')), tbt_ms: Math.round(pick('tbt')), fcp_ms: Math.round(pick('fcp')), bytes: Math.round(pick('bytes')), scores: runs.map((r) => r.score) }));
  }
} finally {
  await chrome.kill();
}

/** Navigation → the intake form's submit button, one first visit, at Lighthouse's mobile
 * throttling (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, 4× CPU). */
async function firstVisitInteractive(url) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic'] });
  try {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const start = Date.now();
    await page.goto(url);
    await page.locator('allot-allocate button[type=submit]').waitFor({ timeout: 60000 });
    const ms = Date.now() - start;
    const bytes = await page.evaluate(() => performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, performance.getEntriesByType('navigation')[0].transferSize));
    return { ms, bytes };
  } finally {
    await browser.close();
  }
}

try {
  const runs = [];
  for (let i = 0; i < Math.max(RUNS, 5); i++) runs.push(await firstVisitInteractive(`${proxy.origin}/f/${key}`));
  console.log(JSON.stringify({ interactive: '/f/<key> (intake form)', runs: runs.length, ms: median(runs.map((r) => r.ms)), bytes: median(runs.map((r) => r.bytes)), all_ms: runs.map((r) => r.ms) }));
} finally {
  await proxy.close();
}
