"""`portable-fn build`: a WSGI app directory -> one component; every wrong input is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from portable_fn import BuildError
from portable_fn.build import build_python_app, check_app, summarize_failure, wasi_wit_dir
from portable_fn.cli import main
from tests.conftest import ROOT

TOOLCHAIN = ROOT / "samples" / "js"


def write_app(directory: Path, source: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "app.py").write_text(source, encoding="utf-8")
    return directory


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def app(environ, start_response):\n    return []\n", id="function"),
        pytest.param("from flask import Flask\napp = Flask(__name__)\n", id="assignment"),
        pytest.param("from echo import app\n", id="import"),
        pytest.param("class app:\n    pass\n", id="class"),
    ],
)
def test_check_app_accepts_a_top_level_app(tmp_path: Path, source: str) -> None:
    check_app(write_app(tmp_path / "app", source))


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(None, "has no app.py", id="no-app-py"),
        pytest.param("application = 1\n", "defines no top-level `app`", id="no-app"),
        pytest.param("def main():\n    app = 1\n", "defines no top-level `app`", id="app-only-local"),
        pytest.param("def app(:\n", "syntax error", id="syntax-error"),
    ],
)
def test_check_app_names_what_is_wrong(tmp_path: Path, source: str | None, message: str) -> None:
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    if source is not None:
        (app_dir / "app.py").write_text(source, encoding="utf-8")
    with pytest.raises(BuildError, match=message):
        check_app(app_dir)


def test_missing_npm_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(BuildError, match="npm is not installed"):
        wasi_wit_dir(tmp_path / "toolchain", lambda _line: None)


def test_installed_toolchain_provides_the_wasi_cli_world() -> None:
    wit = wasi_wit_dir(TOOLCHAIN, lambda _line: None)
    assert "world command" in (wit / "wasi-cli" / "package.wit").read_text(encoding="utf-8")


def test_fetching_the_wit_files_leaves_the_toolchain_projects_files_as_they_were(tmp_path: Path) -> None:
    # samples/js as a fresh checkout has it (no node_modules): its tracked manifest and lockfile stay byte-exact.
    project = tmp_path / "js"
    project.mkdir()
    tracked = {name: (TOOLCHAIN / name).read_bytes() for name in ("package.json", "package-lock.json")}
    for name, data in tracked.items():
        (project / name).write_bytes(data)
    wit = wasi_wit_dir(project, lambda _line: None)
    assert "world command" in (wit / "wasi-cli" / "package.wit").read_text(encoding="utf-8")
    assert {name: (project / name).read_bytes() for name in tracked} == tracked
    assert sorted(path.name for path in project.iterdir()) == ["jco-1.35.0", "package-lock.json", "package.json"]
    assert wasi_wit_dir(project, lambda line: pytest.fail(f"fetched again: {line}")) == wit


def test_app_failing_at_import_is_a_build_error_with_its_traceback(tmp_path: Path) -> None:
    app_dir = write_app(tmp_path / "broken", "import no_such_module_here\napp = None\n")
    with pytest.raises(BuildError, match="componentize-py failed") as caught:
        build_python_app(app_dir, tmp_path / "out.wasm", toolchain_dir=TOOLCHAIN)
    assert "ModuleNotFoundError: No module named 'no_such_module_here'" in str(caught.value)
    assert "Stack backtrace" not in str(caught.value)
    assert not (tmp_path / "out.wasm").exists()


def test_app_that_is_not_callable_is_a_build_error(tmp_path: Path) -> None:
    app_dir = write_app(tmp_path / "notcallable", "app = 42\n")
    with pytest.raises(BuildError, match="`app` must be a WSGI callable, found int"):
        build_python_app(app_dir, tmp_path / "out.wasm", toolchain_dir=TOOLCHAIN)


def test_summarize_failure_keeps_the_python_error_and_drops_the_rust_backtrace() -> None:
    output = "AssertionError: Traceback:\n  File x\nValueError: bad\n\nStack backtrace:\n   0: rust::frame\n"
    summary = summarize_failure(output)
    assert summary.endswith("ValueError: bad")
    assert "rust::frame" not in summary


def test_cli_build_reports_a_directory_without_app_py(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(tmp_path), "-o", str(tmp_path / "app.wasm")])
    assert result.exit_code == 1
    assert "has no app.py" in result.output


def test_cli_build_shows_progress_and_writes_a_component(tmp_path: Path) -> None:
    app_dir = write_app(
        tmp_path / "hello",
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'hi\\n']\n",
    )
    output = tmp_path / "hello.wasm"
    result = CliRunner().invoke(main, ["build", str(app_dir), "-o", str(output), "--toolchain-dir", str(TOOLCHAIN)])
    assert result.exit_code == 0, result.output
    assert "componentize-py" in result.output and "built" in result.output
    assert output.read_bytes()[:8] == b"\0asm\x0d\x00\x01\x00"
