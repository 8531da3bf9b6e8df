// echo as a WASI 0.2 command in JavaScript: the same bytes as samples/echo/echo.c.
// componentize-js has no process.stdin/stdout: the guest uses the wasi:cli interfaces itself.
import { getArguments, getEnvironment } from "wasi:cli/environment@0.2.12";
import { getStdin } from "wasi:cli/stdin@0.2.12";
import { getStdout } from "wasi:cli/stdout@0.2.12";

const encoder = new TextEncoder();
const CHUNK = 4096; // the most blocking-write-and-flush accepts in one call

function write(stream, bytes) {
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    stream.blockingWriteAndFlush(bytes.subarray(offset, offset + CHUNK));
  }
}

function compareBytes(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

function copyStdin(stdout) {
  const stdin = getStdin();
  for (;;) {
    let chunk;
    try {
      chunk = stdin.blockingRead(65536n);
    } catch (error) {
      if (error?.payload?.tag === "closed" || error?.tag === "closed") return;
      throw error;
    }
    write(stdout, chunk);
  }
}

export const run = {
  run() {
    const stdout = getStdout();
    write(stdout, encoder.encode("Content-Type: application/octet-stream\n\n"));
    const entries = getEnvironment().map(([name, value]) => encoder.encode(`${name}=${value}`));
    entries.sort(compareBytes);
    for (const entry of entries) {
      write(stdout, encoder.encode("env "));
      write(stdout, entry);
      write(stdout, encoder.encode("\n"));
    }
    for (const arg of getArguments()) write(stdout, encoder.encode(`arg ${arg}\n`));
    write(stdout, encoder.encode("\n"));
    copyStdin(stdout);
  },
};
