// echo as a WASI 0.2 command in JavaScript: the same bytes as samples/echo/echo.c.
// componentize-js has no process.stdin/stdout: the guest uses the wasi:cli interfaces itself.
import { getArguments, getEnvironment } from "wasi:cli/environment@0.2.12";
import { getStdin } from "wasi:cli/stdin@0.2.12";
import { getStdout } from "wasi:cli/stdout@0.2.12";

const encoder = new TextEncoder();
const READ_SIZE = 1n << 20n;
const ENV_PREFIX = encoder.encode("env ");
const NEWLINE = encoder.encode("\n");

// Each call crosses into the host, so write as much as the stream permits at once (its
// check-write budget) rather than blocking-write-and-flush's 4096 bytes; flush once at the end.
function write(stream, bytes) {
  let offset = 0;
  while (offset < bytes.length) {
    const permit = Number(stream.checkWrite());
    if (permit === 0) {
      stream.subscribe().block();
      continue;
    }
    const end = Math.min(bytes.length, offset + permit);
    stream.write(bytes.subarray(offset, end));
    offset = end;
  }
}

function compareBytes(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

function concat(parts) {
  const joined = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

function report() {
  const entries = getEnvironment().map(([name, value]) => encoder.encode(`${name}=${value}`));
  entries.sort(compareBytes);
  const lines = entries.flatMap((entry) => [ENV_PREFIX, entry, NEWLINE]);
  const args = getArguments().map((arg) => encoder.encode(`arg ${arg}\n`));
  return concat([encoder.encode("Content-Type: application/octet-stream\n\n"), ...lines, ...args, NEWLINE]);
}

function copyStdin(stdout) {
  const stdin = getStdin();
  for (;;) {
    let chunk;
    try {
      chunk = stdin.blockingRead(READ_SIZE);
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
    write(stdout, report());
    copyStdin(stdout);
    stdout.blockingFlush();
  },
};
