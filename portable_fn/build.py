"""Build a Python WSGI app into one WASI 0.2 command component that speaks WAGI.

``build_python_app(app_dir, output)`` stages the app with ``wsgi_guest.py`` (CGIHandler around
``app.app``) and the HTTP client ``portable_fn_http`` (``guest_http.py``), installs
``requirements.txt`` (if any) into the staging directory, and runs componentize-py against
``wasi:cli/command`` plus ``wasi:http/outgoing-handler``. The WASI WIT files come from the npm
package ``@bytecodealliance/jco``: an installed copy in the toolchain directory, else its tarball
(``npm pack``, no dependencies), unpacked there on first use.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from portable_fn.errors import BuildError
from portable_fn.types import Report

JCO_PACKAGE = "@bytecodealliance/jco@1.35.0"
WASI_VERSION = "0.2.12"
# wasi:cli/command plus wasi:http's outgoing handler, for the client every component ships.
WORLD = "portable-fn:guest/wagi-http"
WORLD_WIT = f"""package portable-fn:guest;

world wagi-http {{
  include wasi:cli/command@{WASI_VERSION};
  import wasi:http/outgoing-handler@{WASI_VERSION};
}}
"""
GUEST_MODULE = "portable_fn_wsgi_guest"
CLIENT_MODULE = "portable_fn_http"
_WIT_SUBDIR = Path("node_modules/@bytecodealliance/jco/lib/wit/builtin") / WASI_VERSION
_PACKED_WIT = f"package/lib/wit/builtin/{WASI_VERSION}/"
_UNPACKED_WIT_SUBDIR = Path(JCO_PACKAGE.rpartition("/")[2].replace("@", "-")) / "wit" / WASI_VERSION


def build_python_app(
    app_dir: Path, output: Path, *, toolchain_dir: Path, progress: Report = lambda _message: None
) -> Path:
    """Build ``app_dir/app.py`` (a WSGI callable named ``app``) into the component ``output``.

    Raises BuildError naming what is wrong: no app.py, no ``app``, componentize-py or npm
    missing, a dependency that does not install, or the app failing while it is imported.
    """
    started = time.monotonic()

    def report(message: str) -> None:
        progress(f"[{time.monotonic() - started:5.1f}s] {message}")

    check_app(app_dir)
    componentize = find_componentize_py()
    wit = wasi_wit_dir(toolchain_dir, report)
    with tempfile.TemporaryDirectory(prefix="portable_fn-build-") as temp:
        staging = Path(temp)
        stage_wit(wit, staging / "wit")
        shutil.copyfile(Path(__file__).with_name("wsgi_guest.py"), staging / f"{GUEST_MODULE}.py")
        shutil.copyfile(Path(__file__).with_name("guest_http.py"), staging / f"{CLIENT_MODULE}.py")
        paths = [staging, app_dir.resolve()]
        requirements = app_dir / "requirements.txt"
        if requirements.is_file():
            report(f"installing {requirements} into the component")
            paths.append(install_requirements(requirements, staging / "site-packages"))
        report(f"componentize-py: {app_dir}/app.py -> {output} ({WORLD})")
        output.parent.mkdir(parents=True, exist_ok=True)
        command = [componentize, "-d", str(staging / "wit"), "-w", WORLD, "componentize"]
        for path in paths:
            command += ["-p", str(path)]
        run_tool([*command, GUEST_MODULE, "-o", str(output.resolve())], "componentize-py")
    report(f"built {output} ({output.stat().st_size / 1e6:.1f} MB)")
    return output


def check_app(app_dir: Path) -> None:
    """Check that ``app_dir/app.py`` parses and binds ``app`` at top level. Raises BuildError."""
    source = app_dir / "app.py"
    if not app_dir.is_dir():
        raise BuildError(f"{app_dir} is not a directory: expected an app directory holding app.py")
    if not source.is_file():
        raise BuildError(f"{app_dir} has no app.py: expected app.py defining a WSGI callable named `app`")
    try:
        tree = ast.parse(source.read_bytes(), str(source))
    except SyntaxError as exc:
        raise BuildError(f"{source}:{exc.lineno}: syntax error: {exc.msg}") from exc
    if "app" not in _top_level_names(tree):
        raise BuildError(f"{source} defines no top-level `app`: expected a WSGI callable, e.g. app = Flask(__name__)")


def _top_level_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def find_componentize_py() -> str:
    """The componentize-py executable next to this Python, else on PATH. Raises BuildError."""
    beside = Path(sys.executable).with_name("componentize-py")
    found = str(beside) if beside.is_file() else shutil.which("componentize-py")
    if found is None:
        raise BuildError(
            "componentize-py is not installed: run `pip install componentize-py==0.25.1` (or `pip install -e '.[dev]'`)"
        )
    return found


def wasi_wit_dir(toolchain_dir: Path, report: Report) -> Path:
    """The WASI WIT packages of npm @bytecodealliance/jco: those of a jco installed in
    ``toolchain_dir/node_modules``, else those unpacked from its tarball into ``toolchain_dir``,
    fetched with ``npm pack`` on first use (nothing installed, no package.json or lockfile
    written). Raises BuildError when npm is missing or the tarball lacks them."""
    unpacked = toolchain_dir / _UNPACKED_WIT_SUBDIR
    for wit in (toolchain_dir / _WIT_SUBDIR, unpacked):
        if (wit / "wasi-cli").is_dir():
            return wit
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(f"npm is not installed: it fetches the WASI WIT files ({JCO_PACKAGE}); install Node.js 18+")
    report(f"npm pack {JCO_PACKAGE}: WASI {WASI_VERSION} WIT files into {unpacked} (first build only)")
    with tempfile.TemporaryDirectory(prefix="portable_fn-jco-") as temp:
        run_tool([npm, "pack", JCO_PACKAGE, "--pack-destination", temp, "--loglevel=error"], "npm", cwd=Path(temp))
        unpack_wit(next(Path(temp).glob("*.tgz")), unpacked)
    if not (unpacked / "wasi-cli").is_dir():
        raise BuildError(f"{JCO_PACKAGE} has no WASI {WASI_VERSION} WIT files (expected {_PACKED_WIT}wasi-cli)")
    return unpacked


def unpack_wit(tarball: Path, target: Path) -> None:
    """Extract the WASI WIT files of jco's npm tarball into ``target``, whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as temp, tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.startswith(_PACKED_WIT):
                member.name = member.name.removeprefix(_PACKED_WIT)
                archive.extract(member, temp, filter="data")
        os.replace(temp, target)


def stage_wit(wit: Path, target: Path) -> None:
    """Lay the WIT packages out as componentize-py reads them: the guest world at the root, WASI's in deps/."""
    (target / "deps").mkdir(parents=True)
    (target / "guest.wit").write_text(WORLD_WIT, encoding="utf-8")
    for package in sorted(wit.iterdir()):
        if package.is_dir():
            shutil.copytree(package, target / "deps" / package.name)


def install_requirements(requirements: Path, target: Path) -> Path:
    """pip-install ``requirements`` into ``target`` for bundling. Raises BuildError."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile", "--disable-pip-version-check"]
    run_tool([*command, "--target", str(target), "-r", str(requirements)], "pip")
    return target


def run_tool(command: Sequence[str], name: str, cwd: Path | None = None) -> None:
    """Run one build tool; raises BuildError with the useful part of its output when it fails."""
    try:
        result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BuildError(f"cannot run {name}: {exc}") from exc
    if result.returncode != 0:
        summary = summarize_failure(result.stderr + result.stdout)
        raise BuildError(f"{name} failed (exit {result.returncode}):\n{summary}")


def summarize_failure(output: str) -> str:
    """Keep the Python traceback of a componentize-py failure and drop its Rust backtrace."""
    text = output.split("\nStack backtrace:", 1)[0]
    text = re.sub(r"^Traceback \(most recent call last\):\n  File .*componentize-py.*\n(?:    .*\n)*", "", text)
    lines = [line for line in text.strip().splitlines() if not line.lstrip().startswith("^")]
    return "\n".join(lines[-40:])
