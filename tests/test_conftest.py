"""The shared fixtures' own contract: a checkout without built samples fails once, saying what to run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

NEEDS_SAMPLES = "from tests.conftest import sample_path\n" + "".join(
    f"def test_{name.replace('-', '_')}_{index}():\n    sample_path({name!r})\n"
    for name in ("echo-c", "hello-c")
    for index in range(3)
)


def run_in_checkout(checkout: Path) -> subprocess.CompletedProcess[str]:
    """Run six tests needing samples with a copy of our conftest.py in ``checkout``."""
    tests = checkout / "tests"
    tests.mkdir()
    (tests / "__init__.py").write_text("")
    shutil.copy(ROOT / "tests" / "conftest.py", tests / "conftest.py")
    (tests / "test_needs_samples.py").write_text(NEEDS_SAMPLES)
    env = {**os.environ, "PYTHONPATH": f"{checkout}{os.pathsep}{ROOT}"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]
    return subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_no_built_samples_stop_the_session_once_with_the_command_to_run(tmp_path: Path) -> None:
    result = run_in_checkout(tmp_path)
    assert result.returncode == 1
    assert result.stdout.count("run `python samples/build.py`") == 1, result.stdout
    assert " failed" not in result.stdout


def test_one_missing_sample_fails_only_its_tests_naming_it(tmp_path: Path) -> None:
    (tmp_path / "samples" / "out").mkdir(parents=True)
    (tmp_path / "samples" / "out" / "echo-c.wasm").write_bytes(b"\0asm\1\0\0\0")
    result = run_in_checkout(tmp_path)
    assert result.returncode == 1
    assert "3 failed, 3 passed" in result.stdout
    assert "sample hello-c.wasm is not built: run `python samples/build.py --only hello`" in result.stdout
