"""Python components: samples/python/<sample>/app.py (a WSGI app), built by ``portable-fn build``
(componentize-py, with the WASI WIT files from the npm project in samples/js)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from buildtools.js_component import JS_PROJECT, missing_js_project
from buildtools.target import REPO, SAMPLES, Language, Target, run

# The product code that goes into every Python component: editing it makes them stale.
PRODUCT_SOURCES = tuple(REPO / "portable_fn" / name for name in ("build.py", "wsgi_guest.py", "guest_http.py"))


def missing_componentize_py() -> str | None:
    """None when componentize-py and the JS project's WIT files are installed, else the install step."""
    if not (Path(sys.executable).with_name("componentize-py").is_file() or shutil.which("componentize-py")):
        return "Python components need componentize-py: run `pip install -e '.[dev]'` (pins componentize-py)"
    return missing_js_project()


def discover_python() -> list[Target]:
    """Each samples/python/<sample>/app.py, with its requirements.txt when present."""
    targets = []
    for app in sorted((SAMPLES / "python").glob("*/app.py")):
        requirements = [path for path in (app.parent / "requirements.txt",) if path.exists()]
        targets.append(Target(app.parent.name, "py", app, (app, *requirements, *PRODUCT_SOURCES)))
    return targets


def build_python(target: Target) -> None:
    command: list[str | Path] = [sys.executable, "-m", "portable_fn", "build", target.entry.parent, "-o", target.output]
    run([*command, "--toolchain-dir", JS_PROJECT], cwd=REPO)


PY = Language("py", Path(__file__), discover_python, missing_componentize_py, build_python)
