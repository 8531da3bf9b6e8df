"""The public event samples are part of the repository, each file listed with its provenance."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.conftest import EVENT_SAMPLES, ROOT

# A SOURCES.md table row: | `aws/sqs.json` | repo @ commit | path | licence | `sha256 prefix` | what |
_ROW = re.compile(r"^\| `(?P<file>[^`]+)` \|(?:[^|]*\|){3} `(?P<sha>[0-9a-f]{12})` \|", re.MULTILINE)


def listed_samples() -> dict[str, str]:
    return {match["file"]: match["sha"] for match in _ROW.finditer((EVENT_SAMPLES / "SOURCES.md").read_text())}


def test_every_sample_is_inside_the_repository_and_listed_with_its_hash() -> None:
    on_disk = {str(path.relative_to(EVENT_SAMPLES)) for path in EVENT_SAMPLES.rglob("*.json")}
    listed = listed_samples()
    assert on_disk, f"no event samples under {EVENT_SAMPLES}"
    assert set(listed) == on_disk
    for name, sha in listed.items():
        assert hashlib.sha256((EVENT_SAMPLES / name).read_bytes()).hexdigest()[:12] == sha, name


def test_no_test_reads_files_outside_the_repository() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if re.search(r"ROOT\.parent|\.\./shared|\"shared\" / ", path.read_text(encoding="utf-8"))
        and path.name != Path(__file__).name
    ]
    assert offenders == []
