#!/usr/bin/env python3
"""Build every guest sample into samples/out/<sample>-<lang>.wasm (see samples/README.md).

    python samples/build.py [--only echo,hello] [--lang c,rust] [--force]

The toolchains live in samples/buildtools/, one module per language family.
"""

from __future__ import annotations

import click
from buildtools.plan import LANGUAGES, build_each, check_toolchains, discover, select, update_demo
from buildtools.target import REPO, Target

from portable_fn.errors import BuildError


def names(_context: click.Context, _parameter: click.Parameter, value: str | None) -> set[str] | None:
    """A comma-separated option as a set of names (None when the option is absent)."""
    return None if value is None else {part.strip() for part in value.split(",") if part.strip()}


def describe(built: Target) -> str:
    return f"{built.output.relative_to(REPO)}  {built.output.stat().st_size} bytes"


@click.command()
@click.option("--only", metavar="NAME[,NAME]", callback=names, help="Build only these samples.")
@click.option(
    "--lang", metavar="LANG[,LANG]", callback=names, help=f"Build only these languages ({', '.join(LANGUAGES)})."
)
@click.option("--force", is_flag=True, help="Rebuild even when outputs are fresh.")
def main(only: set[str] | None, lang: set[str] | None, force: bool) -> None:
    """Build the guest samples into samples/out/, incrementally: an output newer than its sources
    and its build modules is kept. A missing toolchain is an error naming the install step; nothing
    is skipped. The C build of `hello` is also copied to portable_fn/demo/hello.wasm."""
    try:
        targets = select(discover(), only, lang)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    try:
        check_toolchains(targets)
    except BuildError as error:
        raise click.ClickException(str(error)) from error
    failures = 0
    for outcome in build_each(targets, force):
        if outcome.state == "failed":
            failures += 1
            click.echo(f"FAILED  {outcome.target.output.relative_to(REPO)}\n{outcome.detail}", err=True)
            continue
        click.echo(f"{outcome.state}   {describe(outcome.target)}")
        copied = update_demo(outcome.target)
        if copied is not None:
            click.echo(f"copied  portable_fn/demo/hello.wasm  {copied} bytes")
    if failures:
        raise click.ClickException(f"{failures} build(s) failed")


if __name__ == "__main__":
    main()
