"""JavaScript components: samples/js/<sample>/<sample>.js, built by ``node js/build.mjs`` (npm componentize-js).

The npm project in samples/js also provides the WASI WIT files the Python components need.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from buildtools.target import INSTALL, SAMPLES, Language, Target, run

JS_PROJECT = SAMPLES / "js"
# Samples built with componentize-js's fetch() (they import wasi:http and need the network grant).
HTTP_SAMPLES = frozenset({"fetch"})


def missing_js_project() -> str | None:
    """None when node and samples/js/node_modules (jco) are installed, else the install step."""
    if shutil.which("node") and (JS_PROJECT / "node_modules" / "@bytecodealliance" / "jco").is_dir():
        return None
    return f"Python and JS components need node and samples/js/node_modules: run `{INSTALL}` (npm ci in samples/js)"


def discover_js() -> list[Target]:
    """Each samples/js/<sample>/<sample>.js, with the build script and lockfile it depends on."""
    tooling = (JS_PROJECT / "build.mjs", JS_PROJECT / "package-lock.json")
    scripts = [script for script in sorted(JS_PROJECT.glob("*/*.js")) if script.stem == script.parent.name]
    return [Target(script.stem, "js", script, (script, *tooling)) for script in scripts]


def build_js(target: Target) -> None:
    flags = ["--http"] if target.sample in HTTP_SAMPLES else []
    run(["node", JS_PROJECT / "build.mjs", target.entry, target.output, *flags], cwd=JS_PROJECT)


JS = Language("js", Path(__file__), discover_js, missing_js_project, build_js)
