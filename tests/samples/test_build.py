"""`python samples/build.py`: the command line README and scripts/setup.sh rely on."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def build(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ROOT / "samples" / "build.py"), *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_help_names_the_options_and_every_language() -> None:
    result = build("--help")
    text = " ".join(result.stdout.split())
    assert result.returncode == 0
    assert all(option in text for option in ("--only", "--lang", "--force"))
    assert "(c, zig, rust, go, as, wat, py, js)" in text


def test_unknown_sample_is_a_usage_error_listing_the_known_ones() -> None:
    result = build("--only", "hello,nosuchsample")
    assert result.returncode == 2
    assert "unknown sample(s): nosuchsample; known: " in result.stderr and "echo" in result.stderr


def test_a_language_the_sample_lacks_is_an_empty_selection() -> None:
    result = build("--only", "trap", "--lang", "go")
    assert result.returncode == 2
    assert "nothing to build for that selection" in result.stderr


def test_second_build_keeps_the_fresh_output() -> None:
    build("--only", "trap", "--lang", "wat")
    result = build("--only", "trap", "--lang", "wat")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("fresh   samples/out/trap-wat.wasm  ")
