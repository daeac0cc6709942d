// "Another company's portal": the demo host that embeds Allot from a different origin,
// as a customer's own portal would. `cargo xtask dev` runs it on :8788 beside Allot on
// :8787; the browser suite (tests/browser/embed.test.mjs) starts it on a free port.
//
// Its pages go out under a strict Content-Security-Policy naming Allot's origin only in
// script-src (with 'wasm-unsafe-eval') and connect-src: exactly what the README tells a
// host to allow. Nothing inline is allowed, so anything the widget needed beyond that
// would show up as a refusal in the browser's console.
//
// Standalone: node portal/host/serve.mjs --port 8788 --api http://127.0.0.1:8787
//   --config dist/demo-config.js [--register ADMIN_TOKEN]
// `--register` adds this host's origin to the demo tenant's allowed_origins (once Allot
// answers), which is what an admin does in the settings before a portal can embed.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const TYPES = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** The policy a host page needs for Allot served from `api` (an origin); `frames`: the
 * page also shows Allot's hosted form in an iframe. */
export function policy(api, { frames = false } = {}) {
  return [
    "default-src 'none'",
    `script-src 'self' ${api} 'wasm-unsafe-eval'`,
    `connect-src ${api}`,
    ...(frames ? [`frame-src ${api}`] : []),
    "style-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Serves the host portal on `port` (0: any free one); resolves to `{ origin, close }`.
 * `config` is the path of the module with the demo users' tokens (a real portal's
 * backend mints them for its signed-in user). */
export function serveHost({ port = 0, api, config }) {
  const files = {
    '/': ['html', () => readFileSync(here('index.html'), 'utf8').replaceAll('{{API}}', api)],
    '/host.js': ['js', () => readFileSync(here('host.js'))],
    '/host.css': ['css', () => readFileSync(here('host.css'))],
    '/config.js': ['js', () => readFileSync(config)],
    // A platform that takes only an iframe: the board in Allot's /embed/board.
    '/framed': ['html', () => readFileSync(here('framed.html'), 'utf8').replaceAll('{{API}}', api), { frames: true }],
    '/framed.js': ['js', () => readFileSync(here('framed.js'))],
    // A no-code landing page: the intake element with a publishable key (`?key=ik_…`),
    // and the same form hosted by Allot in an iframe.
    '/landing': ['html', (query) => {
      const key = query.get('key') ?? '';
      if (!/^ik_[A-Za-z0-9]+_[A-Za-z0-9]+$/.test(key)) throw Object.assign(new Error('?key=ik_… (an intake key) is required'), { status: 400 });
      return readFileSync(here('landing.html'), 'utf8').replaceAll('{{API}}', api).replaceAll('{{KEY}}', key);
    }, { frames: true }],
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://host');
    const path = url.pathname;
    const file = files[path];
    if (path === '/favicon.ico') {
      res.writeHead(204).end(); // no icon, and no 404 in the console
      return;
    }
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    try {
      const body = file[1](url.searchParams);
      res.writeHead(200, { 'content-type': TYPES[file[0]], 'content-security-policy': policy(api, file[2]), 'cache-control': 'no-store' });
      res.end(body);
    } catch (e) {
      res.writeHead(e.status ?? 500, { 'content-type': 'text/plain' }).end(String(e.message ?? e));
    }
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      // Closing also drops kept-alive connections: a browser left open must not keep
      // the server (and a test run) alive.
      resolve({ origin, close: () => new Promise((done) => { server.close(done); server.closeAllConnections(); }) });
    });
  });
}

/** Adds `origin` to the tenant's allowed_origins through the settings API, as its admin
 * (`token`); retries while Allot is starting. */
export async function register(api, token, origin, attempts = 120) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (let i = 0; i < attempts; i++) {
    try {
      const current = await fetch(`${api}/api/v1/settings`, { headers });
      if (current.ok) {
        const settings = await current.json();
        if (settings.allowed_origins?.includes(origin)) return;
        settings.allowed_origins = [...(settings.allowed_origins ?? []), origin];
        const put = await fetch(`${api}/api/v1/settings`, { method: 'PUT', headers, body: JSON.stringify(settings) });
        if (put.ok) return;
        if (put.status !== 409) throw new Error(`PUT /settings: ${put.status} ${await put.text()}`);
      }
    } catch (e) {
      if (!(e instanceof TypeError)) throw e; // not started yet: fetch failed
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`could not add ${origin} to allowed_origins at ${api}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
  const api = arg('--api') ?? 'http://127.0.0.1:8787';
  const { origin } = await serveHost({ port: Number(arg('--port') ?? 8788), api, config: arg('--config') ?? 'dist/demo-config.js' });
  const token = arg('--register');
  if (token) {
    await register(api, token, origin);
    await register(api, token, origin.replace('127.0.0.1', 'localhost'));
  }
  console.log(`Another company's portal (embeds Allot from ${api} under a strict CSP): ${origin}/`);
  if (token) {
    const demo = await demoLinks(api, token);
    console.log(`The intake form for no-code builders (a publishable key, no token): ${demo.page}  (QR: ${demo.qr})`);
    console.log(`  on a landing page of another origin: ${origin}/landing?key=${demo.key}`);
    console.log(`A rep's phone page (王芳's personal link, a day): ${demo.phone}`);
  }
}

/** A fresh demo intake key (the previous demo key revoked: secrets are shown once, and a
 * tenant holds at most 100 live keys) and a personal link of a day for rep-wang. */
async function demoLinks(api, token) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (method, path, body) => {
    const r = await fetch(`${api}/api/v1${path}`, { method, headers, body: body && JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  const LABEL = 'Demo form (cargo xtask dev)';
  const { items } = await call('GET', '/intake-keys');
  for (const old of items.filter((k) => k.label === LABEL && !k.revoked_at)) await call('DELETE', `/intake-keys/${old.id}`);
  const key = await call('POST', '/intake-keys', { label: LABEL, daily_limit: 1000 });
  const link = await call('POST', '/users/rep-wang/links', { days: 1 });
  return { key: key.secret, page: key.page_url, qr: key.qr_url, phone: link.url };
}
