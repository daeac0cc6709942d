// A local stand-in for Cloudflare's edge in front of `wrangler dev`: forwards every
// request to the worker and brotli-compresses what a browser would get compressed
// (HTML, JS, CSS, JSON, SVG, wasm) when it asks for `br`, so page-load figures count the
// bytes a phone really downloads. Immutable widget bundles are compressed once at the
// highest quality (as Cloudflare does for static assets); other answers at quality 5.
import { createServer, request } from 'node:http';
import { brotliCompressSync, constants } from 'node:zlib';

const COMPRESSIBLE = /^(text\/|application\/(javascript|json|wasm|manifest\+json)|image\/svg\+xml)/;

/** Serves on a free port; resolves to `{ origin, close }`. `target` is the worker's origin. */
export function serveCompressed({ target, port = 0 }) {
  const upstream = new URL(target);
  const cache = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers, host: upstream.host };
      delete headers['accept-encoding'];
      const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (answer) => {
        const body = [];
        answer.on('data', (c) => body.push(c));
        answer.on('end', () => {
          let bytes = Buffer.concat(body);
          const head = { ...answer.headers };
          const type = String(head['content-type'] ?? '');
          const wantsBr = /\bbr\b/.test(String(req.headers['accept-encoding'] ?? ''));
          if (wantsBr && COMPRESSIBLE.test(type) && bytes.length > 0) {
            const immutable = req.url.startsWith('/widget/v/');
            const key = immutable ? req.url : null;
            const quality = immutable ? 11 : 5;
            bytes = (key && cache.get(key)) ?? brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: quality } });
            if (key) cache.set(key, bytes);
            head['content-encoding'] = 'br';
            head['content-length'] = String(bytes.length);
            head.vary = head.vary ? `${head.vary}, accept-encoding` : 'accept-encoding';
          }
          res.writeHead(answer.statusCode, head);
          res.end(bytes);
        });
      });
      out.on('error', (e) => { res.writeHead(502, { 'content-type': 'text/plain' }).end(String(e)); });
      out.end(Buffer.concat(chunks));
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({ origin, close: () => new Promise((done) => { server.close(done); server.closeAllConnections(); }) });
    });
  });
}
