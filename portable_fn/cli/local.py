"""Commands that run a guest on this machine: serve, invoke, inspect, precompile, build."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import click

from portable_fn.cli.registry import REGISTRY, ProviderChoice
from portable_fn.cli.root import (
    build_spec,
    cache_dir_option,
    compiling_notice,
    config_option,
    function_options,
    main,
    needs_extra,
    quiet_option,
    reported_errors,
    show_logs,
)
from portable_fn.config import spec_from_config
from portable_fn.function import Function, FunctionSpec, default_cache_dir
from portable_fn.http import Request, status_line
from portable_fn.providers import Emulation
from portable_fn.serving.options import HEADER_TIMEOUT, KEEP_ALIVE, QUEUE_TIMEOUT, ServerOptions
from portable_fn.values import replace

# The function_options that --config replaces (the cache options still apply beside it).
_FUNCTION_OPTIONS = {
    "memory_mb": "--memory-mb",
    "timeout": "--timeout",
    "max_body_mb": "--max-body-mb",
    "env_names": "--env",
    "dirs": "--dir",
}

# ``serve --emulate MODE`` and ``invoke --provider NAME``: what the registered providers offer.
EMULATIONS = REGISTRY.emulations()
EVENT_INVOKERS = REGISTRY.event_invokers()


@main.command()
@click.argument("artifact", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--host", envvar="HOST", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="PORT", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--workers", type=click.IntRange(1), default=None, help="Processes [default: CPU count].")
@click.option("--threads", type=click.IntRange(1), default=2, show_default=True, help="Guest slots per process.")
@click.option(
    "--header-timeout",
    type=click.FloatRange(0, min_open=True),
    default=HEADER_TIMEOUT,
    show_default=True,
    help="Seconds a client has to send a request's headers, and the longest pause inside its body.",
)
@click.option(
    "--keep-alive",
    type=click.FloatRange(0, min_open=True),
    default=KEEP_ALIVE,
    show_default=True,
    help="Seconds an idle kept-alive connection stays open.",
)
@click.option(
    "--queue-timeout",
    type=click.FloatRange(0),
    default=QUEUE_TIMEOUT,
    show_default=True,
    help="Seconds a request waits for a free guest slot before it is answered 503 with Retry-After.",
)
@click.option(
    "--emulate",
    type=ProviderChoice(["none", *EMULATIONS]),
    default="none",
    show_default=True,
    help="Send each request through this provider's adapter, as its native event.",
)
@config_option("Take the artifact, limits and grants from this portable-fn.toml, as the cloud entry points do.")
@function_options
@quiet_option
def serve(
    artifact: Path | None,
    host: str,
    port: int,
    workers: int | None,
    threads: int,
    header_timeout: float,
    keep_alive: float,
    queue_timeout: float,
    emulate: str,
    config: Path | None,
    **options: Any,
) -> None:
    """Serve ARTIFACT over HTTP (the bundled hello sample when omitted), or what --config describes.

    Guest stderr lines and one access line per request are shown unless --quiet.
    """
    from portable_fn.server import serve as run_server

    quiet = options.pop("quiet")
    spec = build_spec(artifact, options) if config is None else _spec_from_config(config, artifact, options)
    emulation = None if emulate == "none" else emulator(emulate)
    listener = listen(host, port)
    _check_in_child(spec)
    port = listener.getsockname()[1]
    server = ServerOptions(
        host=host,
        port=port,
        workers=workers or (os.cpu_count() or 1),
        threads=threads,
        header_timeout=header_timeout,
        keep_alive=keep_alive,
        queue_timeout=queue_timeout,
        access_log=not quiet,
        listener_fd=listener.fileno(),
    )
    show_logs(quiet)
    prefix = emulation.url_prefix if emulation else ""
    click.echo(f"Serving {spec.artifact.name} on {_url(host, port)}{prefix}/", err=True)
    if prefix:
        click.echo(f"(as {emulate} does, every path is under {prefix}/; other paths answer 404)", err=True)
    run_server(spec, server, emulation.factory if emulation else None)


def _spec_from_config(config: Path, artifact: Path | None, options: dict[str, Any]) -> FunctionSpec:
    """The FunctionSpec ``config`` describes; only the cache options may be given beside it.

    Without a ``cache_dir`` in the config, --cache-dir (or the default cache) keeps the compiled artifact.
    Raises click.UsageError for conflicting options, click.ClickException for a bad config.
    """
    context = click.get_current_context()
    conflicting = ["ARTIFACT"] if artifact is not None else []
    conflicting += [flag for name, flag in _FUNCTION_OPTIONS.items() if _given(context, name)]
    if conflicting:
        raise click.UsageError(f"--config names the artifact, limits and grants: drop {', '.join(conflicting)}")
    with reported_errors():
        spec = spec_from_config(config, provider_tables=REGISTRY.config_tables())
    if options["no_cache"]:
        return replace(spec, cache_dir=None, precompiled=None)
    return spec if spec.cache_dir else replace(spec, cache_dir=options["cache_dir"] or default_cache_dir())


def emulator(mode: str) -> Emulation:
    """The app factory that turns local HTTP into ``mode``'s native events, and the path prefix it serves
    under. Raises click.ClickException naming the extra to install when the provider's library is missing."""
    provider, load = EMULATIONS[mode]
    with needs_extra(provider.extra, f"--emulate {mode}"):
        return load()


# As many connections as the kernel may queue before the workers accept them.
LISTEN_BACKLOG = 2048


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def listen(host: str, port: int) -> socket.socket:
    """Bind the server's socket before start-up: a busy port fails here, naming it, and with port 0
    the address printed is the one the OS chose. The server's workers inherit it across fork."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is no conflict
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror} (choose another with --port or PORT)"
        ) from exc
    listener.listen(LISTEN_BACKLOG)
    return listener


def _check_in_child(spec: FunctionSpec) -> None:
    """Load the artifact once, in a child process, before the server forks its workers.

    With a cache it is compiled there once, so each worker only deserializes; a broken artifact
    fails here with the child's one-line error. Not in this process: a wasmtime engine used
    before fork() hangs the children. With --no-cache it is compiled into a throwaway folder.
    """
    with tempfile.TemporaryDirectory(prefix="portable-fn-check-") as scratch:
        cache_dir = spec.cache_dir or Path(scratch)
        command = [sys.executable, "-m", "portable_fn", "precompile", str(spec.artifact), "--cache-dir", str(cache_dir)]
        # stderr passes through: "compiling ..." progress and the error line; stdout names the file written.
        result = subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
    if result.returncode != 0:
        click.get_current_context().exit(result.returncode)


@main.command()
@click.argument("artifact", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@cache_dir_option
def precompile(artifact: Path, cache_dir: Path | None) -> None:
    """Compile ARTIFACT for this machine into the cache, so loading it takes milliseconds.

    Prints the precompiled file's path.
    """
    cache = cache_dir or default_cache_dir()
    before = _cache_listing(cache)
    with reported_errors(), compiling_notice(artifact):
        Function.load(artifact, cache_dir=cache)
    written = sorted(path for path, stamp in _cache_listing(cache).items() if before.get(path) != stamp)
    for path in written:
        click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")
    if not written:
        digest = hashlib.sha256(artifact.read_bytes()).hexdigest()[:32]
        for path in sorted(cache.glob(f"{digest}-*.cwasm")):
            click.echo(f"up to date: {path}")


def _cache_listing(cache: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in cache.glob("*.cwasm")} if cache.is_dir() else {}


@main.command()
@click.argument("app_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("app.wasm"), show_default=True
)
@click.option(
    "--toolchain-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PORTABLE_FN_TOOLCHAIN_DIR",
    default=None,
    help="Where the WASI WIT files (from npm) are kept [default: ~/.cache/portable_fn/toolchain].",
)
def build(app_dir: Path, output: Path, toolchain_dir: Path | None) -> None:
    """Build APP_DIR/app.py (a WSGI app named `app`, plus requirements.txt) into one .wasm component."""
    from portable_fn.build import build_python_app

    toolchain = toolchain_dir or default_cache_dir() / "toolchain"
    with reported_errors():
        build_python_app(app_dir, output, toolchain_dir=toolchain, progress=lambda line: click.echo(line, err=True))


@main.command()
@click.argument("artifact", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-X", "--method", default="GET", show_default=True)
@click.option("--path", default="/", show_default=True, help="Raw path, may hold ?query.")
@click.option("-H", "--header", "headers", multiple=True, metavar="'NAME: VALUE'")
@click.option("-d", "--data", default=None, help="Request body, or @FILE to read it from a file.")
@click.option("-i", "--include", is_flag=True, help="Show the status line and headers, like curl -i.")
@click.option(
    "--event",
    "event_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A native event JSON file, run through --provider's adapter; prints its result as JSON. "
    "aws: any Lambda event; gcp: CloudEvent (structured) or legacy background event; "
    "azure: Event Grid event(s) only (queue, blob and timer triggers have no event file). "
    "Exits 0 when the provider would see a successful invocation (SQS partial failures are listed in "
    "batchItemFailures), 1 when the invocation fails and the provider would retry the whole event.",
)
@click.option("--provider", type=ProviderChoice(sorted(EVENT_INVOKERS)), default=None, help="Adapter for --event.")
@function_options
@quiet_option
def invoke(
    artifact: Path,
    method: str,
    path: str,
    headers: tuple[str, ...],
    data: str | None,
    include: bool,
    event_file: Path | None,
    provider: str | None,
    **options: Any,
) -> None:
    """Run ARTIFACT once for one request and print the response body, or once for one --event.

    The guest's stderr lines are shown on stderr, tagged with the request id, unless --quiet.
    """
    show_logs(options.pop("quiet"))
    spec = build_spec(artifact, options)
    if event_file is not None or provider is not None:
        _invoke_event(spec, event_file, provider)
        return
    request = Request(
        method.upper(),
        *_split_target(path),
        headers=tuple(_parse_header(h) for h in headers),
        body=_read_body(data),
        request_id=str(uuid.uuid4()),
    )
    function = load_function(spec)
    with reported_errors(with_status=True):
        response = function.call(request)
    out = sys.stdout.buffer
    if include:
        out.write(f"HTTP/1.1 {status_line(response.status)}\r\n".encode())
        out.write(b"".join(f"{name}: {value}\r\n".encode("latin-1") for name, value in response.headers) + b"\r\n")
    out.write(response.body)
    out.flush()


def _invoke_event(spec: FunctionSpec, event_file: Path | None, provider: str | None) -> None:
    """Run one native event file through ``provider``'s adapter and print the result as JSON."""
    if event_file is None or provider is None:
        raise click.UsageError("--event and --provider go together")
    context = click.get_current_context()
    conflicting = [f"--{name}" for name in ("method", "path", "header", "data", "include") if _given(context, name)]
    if conflicting:
        raise click.UsageError(f"--event cannot be combined with {', '.join(conflicting)}")
    try:
        event = json.loads(event_file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise click.UsageError(f"cannot read --event file {str(event_file)!r}: {exc}") from exc
    owner, load = EVENT_INVOKERS[provider]
    with needs_extra(owner.extra, f"--provider {provider}"):
        invoke_event = load()
    function = load_function(spec)
    with reported_errors(with_status=True):
        result = invoke_event(function, event)
    click.echo(json.dumps(result, indent=2))


def load_function(spec: FunctionSpec) -> Function:
    """Load ``spec``'s Function, saying so when compiling takes a while; one error line when it cannot."""
    with reported_errors(), compiling_notice(spec.artifact):
        return spec.load()


def _given(context: click.Context, name: str) -> bool:
    source = context.get_parameter_source("headers" if name == "header" else name)
    return source not in (None, click.core.ParameterSource.DEFAULT)


def _split_target(target: str) -> tuple[str, str]:
    path, _, query = target.partition("?")
    return path or "/", query


def _parse_header(text: str) -> tuple[str, str]:
    name, separator, value = text.partition(":")
    if not separator or not name.strip():
        raise click.UsageError(f"--header expects 'NAME: VALUE', got {text!r}")
    return name.strip(), value.strip()


def _read_body(data: str | None) -> bytes:
    if data is None:
        return b""
    if data.startswith("@"):
        try:
            return Path(data[1:]).read_bytes()
        except OSError as exc:
            raise click.UsageError(f"cannot read --data file {data[1:]!r}: {exc.strerror}") from exc
    return data.encode()


@main.command()
@click.argument("artifact", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def inspect(artifact: Path) -> None:
    """Show ARTIFACT's kind, ABI, size, imports and exports."""
    from portable_fn.engine import describe

    with reported_errors():
        info = describe(artifact)
    data = artifact.read_bytes()
    is_command = "_start" in info.exports or any(name.startswith("wasi:cli/run@") for name in info.exports)
    rows = [
        ("file", str(artifact)),
        ("size", f"{len(data):,} bytes"),
        ("sha256", hashlib.sha256(data).hexdigest()),
        ("kind", "core module (WASI preview 1)" if info.kind == "module" else "component (WASI 0.2)"),
        ("abi", "wagi (CGI over WASI)" if is_command else "none: no _start or wasi:cli/run export"),
    ]
    rows += [("import", name) for name in info.imports] + [("export", name) for name in info.exports]
    width = max(len(key) for key, _ in rows)
    for key, value in rows:
        click.echo(f"{key:<{width}}  {value}")
