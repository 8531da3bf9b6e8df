// echo in AssemblyScript. It calls WASI preview 1 directly and works on raw
// bytes, because the wasi-shim's process.env decodes to UTF-16 strings and
// would not round-trip arbitrary bytes. The shim still provides _start and abort.

// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_write")
declare function fd_write(fd: u32, iovs: usize, iovsLen: usize, written: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "fd_read")
declare function fd_read(fd: u32, iovs: usize, iovsLen: usize, got: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "environ_sizes_get")
declare function environ_sizes_get(count: usize, size: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "environ_get")
declare function environ_get(pointers: usize, buffer: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "args_sizes_get")
declare function args_sizes_get(count: usize, size: usize): u16;
// @ts-ignore: decorator
@external("wasi_snapshot_preview1", "args_get")
declare function args_get(pointers: usize, buffer: usize): u16;

const HEADER = "Content-Type: application/octet-stream\n\n";
const CHUNK: usize = 65536;

function check(errno: u16): void {
  if (errno != 0) unreachable();
}

function writeAll(ptr: usize, len: usize): void {
  const iov = heap.alloc(12);
  while (len > 0) {
    store<u32>(iov, <u32>ptr);
    store<u32>(iov, <u32>len, 4);
    check(fd_write(1, iov, 1, iov + 8));
    const written = <usize>load<u32>(iov, 8);
    if (written == 0) unreachable();
    ptr += written;
    len -= written;
  }
  heap.free(iov);
}

function cstrlen(ptr: usize): usize {
  let end = ptr;
  while (load<u8>(end) != 0) end++;
  return end - ptr;
}

/** Byte-order comparison of two NUL-terminated strings. */
function compareZ(a: usize, b: usize): i32 {
  while (true) {
    const x = <i32>load<u8>(a);
    const y = <i32>load<u8>(b);
    if (x != y || x == 0) return x - y;
    a++;
    b++;
  }
}

/** Reads a WASI string list (environ or args) into an array of C-string pointers. */
function readList(isEnv: bool): Array<usize> {
  const sizes = heap.alloc(8);
  check(isEnv ? environ_sizes_get(sizes, sizes + 4) : args_sizes_get(sizes, sizes + 4));
  const count = <i32>load<u32>(sizes);
  const size = <usize>load<u32>(sizes, 4);
  heap.free(sizes);
  const pointers = heap.alloc(<usize>count * 4 + 4);
  const buffer = heap.alloc(size + 1);
  check(isEnv ? environ_get(pointers, buffer) : args_get(pointers, buffer));
  const items = new Array<usize>(count);
  for (let i = 0; i < count; i++) items[i] = <usize>load<u32>(pointers + <usize>i * 4);
  return items;
}

function writeLines(prefix: string, items: Array<usize>): void {
  const encoded = String.UTF8.encode(prefix);
  const newline = String.UTF8.encode("\n");
  for (let i = 0; i < items.length; i++) {
    writeAll(changetype<usize>(encoded), <usize>encoded.byteLength);
    writeAll(items[i], cstrlen(items[i]));
    writeAll(changetype<usize>(newline), 1);
  }
}

function copyStdin(): void {
  const buffer = heap.alloc(CHUNK);
  const iov = heap.alloc(12);
  while (true) {
    store<u32>(iov, <u32>buffer);
    store<u32>(iov, <u32>CHUNK, 4);
    check(fd_read(0, iov, 1, iov + 8));
    const got = <usize>load<u32>(iov, 8);
    if (got == 0) break;
    writeAll(buffer, got);
  }
}

const header = String.UTF8.encode(HEADER);
writeAll(changetype<usize>(header), <usize>header.byteLength);
const env = readList(true);
env.sort((a: usize, b: usize): i32 => compareZ(a, b));
writeLines("env ", env);
writeLines("arg ", readList(false));
const blank = String.UTF8.encode("\n");
writeAll(changetype<usize>(blank), 1);
copyStdin();
