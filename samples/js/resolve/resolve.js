// Resolves the name in QUERY_STRING over wasi:sockets (ip-name-lookup) and prints the first
// address, or the error code: the network grant opens name lookups and sockets, its absence
// answers access-denied inside the guest.
import { getEnvironment } from "wasi:cli/environment@0.2.12";
import { getStdout } from "wasi:cli/stdout@0.2.12";
import { instanceNetwork } from "wasi:sockets/instance-network@0.2.12";
import { resolveAddresses } from "wasi:sockets/ip-name-lookup@0.2.12";

const encoder = new TextEncoder();

function firstAddress(name) {
  const addresses = resolveAddresses(instanceNetwork(), name);
  for (;;) {
    const address = addresses.resolveNextAddress();
    if (address !== undefined) return address;
    addresses.subscribe().block();
  }
}

export const run = {
  run() {
    const name = Object.fromEntries(getEnvironment()).QUERY_STRING || "localhost";
    let line;
    try {
      const address = firstAddress(name);
      line = `resolved ${name}: ${address.tag} ${address.val.join(".")}`;
    } catch (error) {
      line = `refused ${name}: ${error?.payload ?? error}`;
    }
    getStdout().blockingWriteAndFlush(encoder.encode(`Content-Type: text/plain\n\n${line}\n`));
  },
};
