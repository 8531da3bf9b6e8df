// Build samples/js/<name>/<name>.js into a WASI 0.2 command component (wasi:cli/run, WAGI).
// The WASI WIT files come from the installed @bytecodealliance/jco package, staged in a temp dir.
//   node samples/js/build.mjs SOURCE.js OUTPUT.wasm [--http]
// --http keeps componentize-js's fetch() (wasi:http imports); other samples leave it out.
import { componentize } from "@bytecodealliance/componentize-js";
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const WASI_VERSION = "0.2.12";
const here = dirname(fileURLToPath(import.meta.url));
const wasiWit = join(here, "node_modules/@bytecodealliance/jco/lib/wit/builtin", WASI_VERSION);

const [source, output, ...flags] = process.argv.slice(2);
if (!source || !output) {
  console.error("usage: node build.mjs SOURCE.js OUTPUT.wasm [--http]");
  process.exit(2);
}
const wit = mkdtempSync(join(tmpdir(), "portable_fn-js-wit-"));
try {
  cpSync(join(wasiWit, "wasi-cli/package.wit"), join(wit, "cli.wit"));
  for (const name of readdirSync(wasiWit)) {
    if (name !== "wasi-cli") cpSync(join(wasiWit, name), join(wit, "deps", name), { recursive: true });
  }
  const { component } = await componentize({
    sourcePath: resolve(source),
    witPath: wit,
    worldName: `wasi:cli/command@${WASI_VERSION}`,
    disableFeatures: flags.includes("--http") ? ["fetch-event"] : ["http", "fetch-event"],
  });
  writeFileSync(output, component);
} finally {
  rmSync(wit, { recursive: true, force: true });
}
