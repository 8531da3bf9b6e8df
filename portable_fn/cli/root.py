"""The ``portable-fn`` group and what its commands share: Function options and the error mapping."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click

from portable_fn.config import limits_from_table
from portable_fn.errors import ConfigError, PortableFnError
from portable_fn.function import FunctionSpec, default_cache_dir
from portable_fn.limits import Grants

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
            default=30.0,
            show_default=True,
            help="Wall-clock seconds per request.",
        ),
        click.option(
            "--max-body-mb",
            type=click.FloatRange(min=0.001),
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
        cache_dir_option,
        click.option("--no-cache", is_flag=True, help="Compile every time; write no precompiled artifact."),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


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
        grants = Grants.from_host(options.pop("env_names"), dirs)
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
