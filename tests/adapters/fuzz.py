"""Shared parts of the adapter fuzz suites: mutations of real event samples, and the watch for
unexpected errors that the last-resort boundaries log.

CI runs a fixed, derandomized set of examples per adapter. For a long local run with fresh
random examples: ``PORTABLE_FN_FUZZ_EXAMPLES=10000 python -m pytest tests/adapters -k fuzz``
(or ``python benchmarks/fuzz_adapters.py --examples 10000``).
"""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.conftest import EVENT_SAMPLES

EXAMPLES = int(os.environ.get("PORTABLE_FN_FUZZ_EXAMPLES", "300"))
# Fixed examples in CI (derandomized); a long local run explores fresh ones each time.
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize="PORTABLE_FN_FUZZ_EXAMPLES" not in os.environ,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)

# Values real fuzzing found trouble with: wrong types, nulls, huge and non-finite numbers, text that
# is no number, no base64, no URL, no Unicode.
AWKWARD_TEXT = [
    "",
    "1e30",
    "-1",
    "nan",
    "inf",
    "9" * 5000,
    "!!not base64!!",
    "=",
    "\ud800",
    "a\x00b",
    "http://[::1",
    "https://host:99999/x",
    "https://host:port/x",
    "2\u00b23",
    "x" * 70_000,
]
AWKWARD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(AWKWARD_TEXT),
    st.text(max_size=12),
    st.lists(st.one_of(st.integers(), st.text(max_size=4), st.none()), max_size=3),
    st.dictionaries(st.text(max_size=6), st.one_of(st.integers(), st.text(max_size=4), st.none()), max_size=3),
)
Path_ = tuple[str | int, ...]


def sample_files(own: Path, provider: str) -> list[Path]:
    """The JSON events to mutate: the adapter's own test events and the public ``provider`` samples."""
    return sorted([*own.glob("*.json"), *(EVENT_SAMPLES / provider).glob("*.json")])


def read_json(path: Path) -> Any:
    """A JSON sample file; public samples may start with a UTF-8 BOM."""
    return json.loads(path.read_text(encoding="utf-8-sig"))


def paths(value: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every key or index path inside ``value``, depth first."""
    found: list[Path_] = []
    items: list[tuple[str | int, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    for key, child in items:
        found.append((*prefix, key))
        found.extend(paths(child, (*prefix, key)))
    return found


@st.composite
def mutated(draw: st.DrawFn, sample: Any) -> Any:
    """``sample`` with one to four fields replaced by an awkward value or removed."""
    event = copy.deepcopy(sample)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        where = paths(event)
        if not where:
            return event
        path = draw(st.sampled_from(where))
        parent = event
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(AWKWARD)
    return event


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


@contextmanager
def no_unexpected_errors() -> Iterator[None]:
    """Fail when a last-resort boundary logged an exception (a bug the boundary hid) inside the block."""
    collect = _Collect()
    root = logging.getLogger()
    root.addHandler(collect)
    try:
        yield
    finally:
        root.removeHandler(collect)
    if collect.records:
        record = collect.records[0]
        assert record.exc_info is not None
        raise AssertionError(f"unexpected error logged: {record.getMessage()}") from record.exc_info[1]
