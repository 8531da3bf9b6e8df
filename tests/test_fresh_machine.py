"""The README's set-up works on a fresh machine, CI runs exactly its test command, and a second
set-up run only checks (scripts/setup.sh and the stamps it keeps)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT

SCRIPTS = [ROOT / ".ci" / "run", *sorted((ROOT / "scripts").rglob("*.sh")), ROOT / "samples" / "install-toolchains.sh"]


def setup_commands() -> list[str]:
    """The commands of the README's "Set-up: two commands" block, comments removed."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Set-up: two commands", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split(" #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_the_readme_makes_a_venv_before_pip_and_ci_runs_exactly_its_test_command() -> None:
    venv, install, test = setup_commands()
    assert venv.startswith("python3 -m venv .venv") and ". .venv/bin/activate" in venv
    assert install.startswith("pip install .")
    ci_lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and line[0] != "#"]
    assert ci_lines[-1] == test == "bash scripts/setup.sh && python -m pytest"


def test_scripts_run_python3_because_a_fresh_debian_has_no_python_command() -> None:
    bare = re.compile(r"(^\s*|[;&|(]\s*)python\s")
    offenders = [
        f"{script.relative_to(ROOT)}: {line.strip()}"
        for script in SCRIPTS
        if script.name != "run"  # .ci/run is the README's test command, run inside the environment
        for line in script.read_text().splitlines()
        if not line.lstrip().startswith("#") and bare.search(line)
    ]
    assert offenders == []


def test_toolchains_without_npm_stop_first_and_say_how_to_get_it(tmp_path: Path) -> None:
    for tool in ("bash", "dirname", "cat", "sha256sum", "cut"):
        (tmp_path / tool).symlink_to(shutil.which(tool) or tool)
    script = ROOT / "samples" / "install-toolchains.sh"
    result = subprocess.run(
        ["bash", str(script)], env={"PATH": str(tmp_path)}, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert result.stderr == "error: npm is needed (Node.js >= 18): on Debian, sudo apt-get install nodejs npm\n"


def stamps(command: str, cwd: Path) -> str:
    """Run ``command`` in bash with scripts/lib/stamps.sh sourced; its stdout."""
    script = f". {ROOT / 'scripts' / 'lib' / 'stamps.sh'}; {command}"
    return subprocess.run(["bash", "-c", script], cwd=cwd, capture_output=True, text=True, check=True).stdout


def test_a_stamp_matches_until_an_input_changes(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    check = 'if is_stamped s/pip "$(inputs_hash py3.11 pyproject.toml)"; then echo skip; else echo run; fi'
    record = 'stamp s/pip "$(inputs_hash py3.11 pyproject.toml)"'
    assert stamps(check, tmp_path) == "run\n"
    assert stamps(f"{record}; {check}", tmp_path) == "skip\n"
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert stamps(check, tmp_path) == "run\n"
    assert stamps(check.replace("py3.11", "py3.12"), tmp_path) == "run\n"


def test_npm_ci_runs_once_until_the_lock_file_changes(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    manifest = {"name": "p", "version": "1.0.0", "lockfileVersion": 3, "requires": True}
    (project / "package.json").write_text(json.dumps({"name": "p", "version": "1.0.0"}))
    (project / "package-lock.json").write_text(json.dumps({**manifest, "packages": {"": manifest}}))
    up_to_date = f"npm packages in {project} up to date\n"
    assert stamps(f"npm_ci_once {project}", tmp_path) != up_to_date
    assert (project / "node_modules").is_dir()
    assert stamps(f"npm_ci_once {project}", tmp_path) == up_to_date
    (project / "package-lock.json").write_text(json.dumps({**manifest, "packages": {"": manifest}}, indent=1))
    assert stamps(f"npm_ci_once {project}", tmp_path) != up_to_date
