// Prints the widget bundle's size (raw, gzip -9, brotli -11) as JSON.
// Usage: node bench/sizes.mjs dist/widget/v/<kind>-<hash>
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const dir = process.argv[2];
const files = [];
// One bundle: its files and everything under its snippets.
(function walk(d, inSnippets) {
  for (const name of readdirSync(d)) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) { if (inSnippets || name === 'snippets') walk(p, true); }
    else if (/\.(js|wasm)$/.test(name)) files.push(p);
  }
})(dir, false);
let raw = 0, gzip = 0, brotli = 0;
for (const f of files) {
  const bytes = readFileSync(f);
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
  brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
}
console.log(JSON.stringify({ files: files.length, raw, gzip, brotli }));
