// Runs a wasm32-wasip1 test binary (cargo test --target wasm32-wasip1 --no-run) in
// Node's WASI, so `shared`'s tests also run as WebAssembly. Usage: node wasi-run.mjs FILE [ARGS]
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv, env, exit } from 'node:process';

const [file, ...args] = argv.slice(2);
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: { ...env, RUST_BACKTRACE: '0' }, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
exit(wasi.start(instance));
