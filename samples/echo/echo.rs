//! echo in Rust (std only, built with plain `rustc --target wasm32-wasi`).
use std::ffi::OsString;
use std::io::{self, BufWriter, Read, Write};
use std::os::wasi::ffi::OsStrExt;

fn environment() -> Vec<Vec<u8>> {
    let mut entries: Vec<Vec<u8>> = std::env::vars_os()
        .map(|(name, value)| {
            let mut entry = name.as_bytes().to_vec();
            entry.push(b'=');
            entry.extend_from_slice(value.as_bytes());
            entry
        })
        .collect();
    entries.sort();
    entries
}

fn write_line(out: &mut impl Write, prefix: &[u8], value: &[u8]) -> io::Result<()> {
    out.write_all(prefix)?;
    out.write_all(value)?;
    out.write_all(b"\n")
}

fn run() -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    out.write_all(b"Content-Type: application/octet-stream\n\n")?;
    for entry in environment() {
        write_line(&mut out, b"env ", &entry)?;
    }
    let args: Vec<OsString> = std::env::args_os().collect();
    for arg in &args {
        write_line(&mut out, b"arg ", arg.as_bytes())?;
    }
    out.write_all(b"\n")?;
    let mut buffer = vec![0u8; 65536];
    let mut stdin = io::stdin().lock();
    loop {
        let n = match stdin.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        out.write_all(&buffer[..n])?;
    }
    out.flush()
}

fn main() {
    if let Err(error) = run() {
        eprintln!("echo: {error}");
        std::process::exit(1);
    }
}
