// Runs a wasm32-wasip1 test binary (cargo test --target wasm32-wasip1 --no-run) in
// Node's WASI, so `shared`'s tests also run as WebAssembly. Usage: node wasi-run.mjs FILE [ARGS]
//
// WASI writes synchronously; a pipe to the parent is non-blocking and would drop output
// (EAGAIN), so the test's output goes to a temporary file that is copied out afterwards.
import { readFile, mkdtemp } from 'node:fs/promises';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { argv, env } from 'node:process';

const [file, ...args] = argv.slice(2);
const outFile = join(await mkdtemp(join(tmpdir(), 'wasi-')), 'out.txt');
const out = openSync(outFile, 'w');
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: { ...env, RUST_BACKTRACE: '0' }, stdout: out, stderr: out, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
// A panic in a release build aborts (a wasm trap): still show what the tests printed.
let code = 1;
try {
  code = wasi.start(instance);
} catch (e) {
  console.error(`wasm trapped: ${e.message}`);
}
closeSync(out);
process.stdout.write(readFileSync(outFile), () => process.exit(code));
