"""lazy_function under concurrency: the first requests of a fresh worker share one load."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from portable_fn import Function, Request, lazy_function
from tests.conftest import sample_path

THREADS = 8


def concurrent_first_calls(load: Callable[[], Function]) -> list[Function]:
    """Call ``load`` from THREADS threads released together; every result, in thread order."""
    start = threading.Barrier(THREADS)
    results: list[Function | None] = [None] * THREADS

    def call(index: int) -> None:
        start.wait()
        results[index] = load()

    threads = [threading.Thread(target=call, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [result for result in results if result is not None]


def bundle(tmp_path: Path) -> Path:
    """A config next to a copy of a guest that compiles in a noticeable time (no cache)."""
    shutil.copy(sample_path("echo-c"), tmp_path / "app.wasm")
    config = tmp_path / "portable-fn.toml"
    config.write_text('artifact = "app.wasm"\n')
    return config


def test_eight_concurrent_first_calls_load_one_function(tmp_path: Path) -> None:
    functions = concurrent_first_calls(lazy_function(bundle(tmp_path), environ={}))
    assert len(functions) == THREADS
    assert len({id(function) for function in functions}) == 1
    assert functions[0].call(Request()).status == 200
