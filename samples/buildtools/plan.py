"""Which targets exist, which the command line selects, and building them incrementally."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from buildtools import assemblyscript, go, js_component, python_component, rust, target, wat, zig
from buildtools.target import OUT, REPO, SAMPLES, Language, Target
from portable_fn.errors import BuildError

LANGUAGES: dict[str, Language] = {
    language.name: language
    for language in (zig.C, zig.ZIG, rust.RUST, go.GO, assemblyscript.AS, wat.WAT, python_component.PY, js_component.JS)
}
# Editing the entry script or the shared modules makes every output stale.
SHARED_RECIPES = (SAMPLES / "build.py", Path(target.__file__), Path(__file__))
DEMO = REPO / "portable_fn" / "demo" / "hello.wasm"
DEMO_SAMPLE = ("hello", "c")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one target; ``detail`` is the failure's message."""

    target: Target
    state: Literal["built", "fresh", "failed"]
    detail: str = ""


def discover() -> list[Target]:
    """Every (sample, language) pair present under samples/, by sample, then in LANGUAGES order."""
    order = list(LANGUAGES)
    found = [found for language in LANGUAGES.values() for found in language.discover()]
    return sorted(found, key=lambda found: (found.sample, order.index(found.lang)))


def select(targets: list[Target], only: set[str] | None, langs: set[str] | None) -> list[Target]:
    """Apply --only and --lang; raises ValueError for an unknown name or an empty selection."""
    known_samples = {found.sample for found in targets}
    for wanted, known, what in ((only, known_samples, "sample"), (langs, set(LANGUAGES), "language")):
        unknown = sorted((wanted or set()) - known)
        if unknown:
            raise ValueError(f"unknown {what}(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    chosen = [
        found for found in targets if (only is None or found.sample in only) and (langs is None or found.lang in langs)
    ]
    if not chosen:
        raise ValueError("nothing to build for that selection")
    return chosen


def check_toolchains(targets: list[Target]) -> None:
    """Raise BuildError naming every missing toolchain's install step, before anything is built."""
    needed = sorted({found.lang for found in targets})
    problems = dict.fromkeys(problem for problem in (LANGUAGES[lang].missing() for lang in needed) if problem)
    if problems:
        raise BuildError("missing toolchain:\n  " + "\n  ".join(problems))


def is_fresh(found: Target) -> bool:
    """Whether the output is newer than its sources, the shared build modules and its language's module."""
    if not found.output.exists():
        return False
    built = found.output.stat().st_mtime
    inputs = (*found.sources, *SHARED_RECIPES, LANGUAGES[found.lang].recipe)
    return all(path.stat().st_mtime <= built for path in inputs)


def build_each(targets: list[Target], force: bool) -> Iterator[Outcome]:
    """Build the targets in order, each unless fresh (or ``force``); a failure does not stop the rest."""
    OUT.mkdir(exist_ok=True)
    for found in targets:
        if not force and is_fresh(found):
            yield Outcome(found, "fresh")
            continue
        found.output.unlink(missing_ok=True)
        try:
            LANGUAGES[found.lang].build(found)
        except BuildError as error:
            yield Outcome(found, "failed", str(error))
            continue
        produced = found.output.is_file()
        yield Outcome(found, "built") if produced else Outcome(found, "failed", f"{found.output} was not produced")


def update_demo(built: Target) -> int | None:
    """Copy the hello C build to portable_fn/demo/hello.wasm when it differs; returns the bytes copied."""
    if (built.sample, built.lang) != DEMO_SAMPLE:
        return None
    data = built.output.read_bytes()
    if DEMO.exists() and DEMO.read_bytes() == data:
        return None
    DEMO.parent.mkdir(parents=True, exist_ok=True)
    DEMO.write_bytes(data)
    return len(data)
