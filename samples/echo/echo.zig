//! echo in Zig, against the raw WASI preview-1 calls (std.os.wasi) so that the
//! output does not depend on how the standard library wraps them.
const std = @import("std");
const wasi = std.os.wasi;

const allocator = std.heap.wasm_allocator;

fn check(err: wasi.errno_t) void {
    if (err != .SUCCESS) @trap();
}

fn writeAll(bytes: []const u8) void {
    var rest = bytes;
    while (rest.len > 0) {
        const iov = [_]wasi.ciovec_t{.{ .base = rest.ptr, .len = rest.len }};
        var written: usize = 0;
        check(wasi.fd_write(1, &iov, 1, &written));
        if (written == 0) @trap();
        rest = rest[written..];
    }
}

fn line(prefix: []const u8, value: []const u8) void {
    writeAll(prefix);
    writeAll(value);
    writeAll("\n");
}

fn byteLess(_: void, a: []const u8, b: []const u8) bool {
    return std.mem.lessThan(u8, a, b);
}

/// Reads a WASI string list (environ or args) into slices without terminators.
fn readList(
    sizes: *const fn (*usize, *usize) callconv(.c) wasi.errno_t,
    get: *const fn ([*][*:0]u8, [*]u8) callconv(.c) wasi.errno_t,
) [][]const u8 {
    var count: usize = 0;
    var size: usize = 0;
    check(sizes(&count, &size));
    const pointers = allocator.alloc([*:0]u8, count) catch @trap();
    const buffer = allocator.alloc(u8, size) catch @trap();
    check(get(pointers.ptr, buffer.ptr));
    const items = allocator.alloc([]const u8, count) catch @trap();
    for (pointers, items) |p, *item| item.* = std.mem.span(p);
    return items;
}

/// Global, not on the stack: guests are built with a 64 KiB stack.
var chunk: [65536]u8 = undefined;

fn copyStdin() void {
    while (true) {
        const iov = [_]wasi.iovec_t{.{ .base = &chunk, .len = chunk.len }};
        var got: usize = 0;
        check(wasi.fd_read(0, &iov, 1, &got));
        if (got == 0) return;
        writeAll(chunk[0..got]);
    }
}

pub fn main() void {
    writeAll("Content-Type: application/octet-stream\n\n");
    const env = readList(wasi.environ_sizes_get, wasi.environ_get);
    std.mem.sort([]const u8, env, {}, byteLess);
    for (env) |entry| line("env ", entry);
    for (readList(wasi.args_sizes_get, wasi.args_get)) |arg| line("arg ", arg);
    writeAll("\n");
    copyStdin();
}
