// Calls an upstream with fetch() (wasi:http; needs the network grant) and answers with what it said.
// $UPSTREAM_URL and $UPSTREAM_TOKEN are env grants; the request's path and body are forwarded.
// The host cannot interrupt a guest blocked waiting on an upstream, so the guest bounds the wait:
// AbortSignal.timeout() ends fetch() ANSWER_MARGIN_MS before the deadline the host announces in
// X_REMAINING_TIME_IN_MILLIS, and a stalled upstream becomes this guest's own 504.
import { getEnvironment } from "wasi:cli/environment@0.2.12";
import { getStdin } from "wasi:cli/stdin@0.2.12";
import { getStdout } from "wasi:cli/stdout@0.2.12";

const encoder = new TextEncoder();
const CHUNK = 4096; // the most blocking-write-and-flush accepts in one call
const ANSWER_MARGIN_MS = 50;

function write(stream, bytes) {
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    stream.blockingWriteAndFlush(bytes.subarray(offset, offset + CHUNK));
  }
}

function readStdin() {
  const stdin = getStdin();
  const chunks = [];
  for (;;) {
    try {
      chunks.push(stdin.blockingRead(65536n));
    } catch (error) {
      if (error?.payload?.tag === "closed" || error?.tag === "closed") break;
      throw error;
    }
  }
  const body = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

function answer(status, contentType, body) {
  const stdout = getStdout();
  write(stdout, encoder.encode(`Status: ${status}\nContent-Type: ${contentType}\n\n`));
  write(stdout, body);
}

export const run = {
  async run() {
    const env = Object.fromEntries(getEnvironment());
    const method = env.REQUEST_METHOD;
    const body = readStdin();
    const budget = Math.max(Number(env.X_REMAINING_TIME_IN_MILLIS) - ANSWER_MARGIN_MS, 1);
    try {
      const reply = await fetch(env.UPSTREAM_URL + (env.PATH_INFO || "/"), {
        method,
        headers: { Authorization: `Bearer ${env.UPSTREAM_TOKEN || ""}` },
        body: method === "GET" || method === "HEAD" ? undefined : body,
        signal: AbortSignal.timeout(budget),
      });
      const content = new Uint8Array(await reply.arrayBuffer());
      answer(reply.status, reply.headers.get("content-type") || "application/octet-stream", content);
    } catch (error) {
      const status = error?.name === "TimeoutError" ? 504 : 502;
      answer(status, "text/plain", encoder.encode(`upstream call failed: ${error}\n`));
    }
  },
};
