"""The ``portable-fn`` group and what its commands share: Function options and the error mapping."""

from __future__ import annotations

import contextlib
import logging
import math
import threading
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click

from portable_fn.config import limits_from_table
from portable_fn.errors import ConfigError, PortableFnError
from portable_fn.function import FunctionSpec, default_cache_dir
from portable_fn.limits import Grants
from portable_fn.types import MIB

F = TypeVar("F", bound=Callable[..., Any])


@click.group()
@click.version_option(package_name="portable-fn")
def main() -> None:
    """Run one WebAssembly function locally and on every cloud."""


def demo_artifact() -> Path:
    """The bundled hello sample, served when no artifact is named."""
    return Path(str(resources.files("portable_fn") / "demo" / "hello.wasm"))


cache_dir_option = click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PORTABLE_FN_CACHE_DIR",
    default=None,
    help="Precompiled artifacts [default: ~/.cache/portable_fn].",
)


def config_option(help_text: str) -> Callable[[F], F]:
    """``-c/--config`` (``$PORTABLE_FN_CONFIG``): a portable-fn.toml, the same file every command reads."""
    config_type = click.Path(exists=True, dir_okay=False, path_type=Path)
    return click.option("-c", "--config", type=config_type, envvar="PORTABLE_FN_CONFIG", default=None, help=help_text)


def function_options(command: F) -> F:
    """The options every command that loads a Function shares: limits, grants, cache."""
    decorators = [
        click.option("--memory-mb", type=click.IntRange(1), default=256, show_default=True, help="Guest memory cap."),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.001),
            callback=finite,
            default=30.0,
            show_default=True,
            help="Wall-clock seconds per request.",
        ),
        click.option(
            "--max-body-mb",
            type=click.FloatRange(min=0.001),
            callback=finite,
            default=6.0,
            show_default=True,
            help="Largest request body accepted.",
        ),
        click.option(
            "--env",
            "env_names",
            multiple=True,
            metavar="NAME",
            help="Pass this host env var to the guest (repeatable). Nothing is passed by default.",
        ),
        click.option(
            "--dir",
            "dirs",
            multiple=True,
            metavar="GUEST=HOST",
            help="Let the guest read HOST at GUEST, read-only (repeatable).",
        ),
        click.option(
            "--allow-network",
            is_flag=True,
            help="Let a component make outbound HTTP calls to any host, loopback included (no per-host limit).",
        ),
        cache_dir_option,
        click.option("--no-cache", is_flag=True, help="Compile every time; write no precompiled artifact."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def finite(_context: click.Context, _parameter: click.Parameter, value: float) -> float:
    """Refuse nan and inf, which FloatRange lets through: either would silently turn a limit off."""
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number")
    return value


def build_spec(artifact: Path | None, options: dict[str, Any]) -> FunctionSpec:
    """Turn parsed options into a FunctionSpec; limits map through the config's own mapping.

    Raises click.UsageError on a bad --dir, a limit out of range or a granted variable that is not set.
    """
    dirs: dict[str, str] = {}
    for item in options.pop("dirs"):
        guest, separator, host = item.partition("=")
        if not separator or not guest.startswith("/"):
            raise click.UsageError(f"--dir expects GUEST=HOST with an absolute GUEST path, got {item!r}")
        dirs[guest] = host
    limits_table = {
        "memory_mb": options.pop("memory_mb"),
        "timeout_seconds": options.pop("timeout"),
        "max_body_mb": options.pop("max_body_mb"),
    }
    try:
        limits = limits_from_table(limits_table)
        grants = Grants.from_host(options.pop("env_names"), dirs, network=options.pop("allow_network"))
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    cache_dir = None if options.pop("no_cache") else (options.pop("cache_dir") or default_cache_dir())
    return FunctionSpec(artifact or demo_artifact(), limits, grants, cache_dir)


@contextlib.contextmanager
def reported_errors(*, with_status: bool = False) -> Iterator[None]:
    """Turn any portable_fn error into click's one-line error and exit status 1.

    ``with_status`` names the error and the HTTP status a provider would answer with.
    """
    try:
        yield
    except PortableFnError as exc:
        message = f"{type(exc).__name__} ({exc.status}): {exc}" if with_status else str(exc)
        raise click.ClickException(message) from exc


@contextlib.contextmanager
def needs_extra(extra: str | None, purpose: str) -> Iterator[None]:
    """Turn a missing third-party package into one line naming the extra that installs it (a provider's
    ``extra``; without one, the missing package itself).

    An ImportError of portable_fn's own modules is a bug and propagates with its traceback.
    """
    try:
        yield
    except ImportError as exc:
        if (exc.name or "").partition(".")[0] in ("portable_fn", "adapters"):
            raise
        missing = f" ({exc.name} is missing)" if exc.name else ""
        if extra is None:
            raise click.ClickException(f"{purpose} needs a package that is not installed{missing}") from exc
        message = f"{purpose} needs the {extra!r} extra{missing}: pip install 'portable-fn[{extra}]'"
        raise click.ClickException(message) from exc


quiet_option = click.option("-q", "--quiet", is_flag=True, help="Hide the guest's log lines and the access log.")


def show_logs(quiet: bool) -> None:
    """Send portable_fn's log records, guest stderr lines included (INFO), to stderr; warnings only when quiet."""
    logging.basicConfig(format="%(levelname)s %(name)s %(message)s")
    logging.getLogger("portable_fn").setLevel(logging.WARNING if quiet else logging.INFO)


@contextlib.contextmanager
def compiling_notice(artifact: Path, after_seconds: float = 0.5) -> Iterator[None]:
    """Say on stderr that ``artifact`` is compiling when loading it takes longer than ``after_seconds``.

    A precompiled artifact loads in milliseconds and prints nothing.
    """
    size = artifact.stat().st_size / MIB
    notice = threading.Timer(
        after_seconds, click.echo, (f"compiling {artifact.name} ({size:.1f} MB) for this machine ...",), {"err": True}
    )
    notice.daemon = True
    notice.start()
    try:
        yield
    finally:
        notice.cancel()
