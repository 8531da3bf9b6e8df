"""Function.handle is a last-resort boundary: it answers, it never raises."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from portable_fn import Function, Request


def test_handle_logs_an_unexpected_error_with_its_traceback_and_answers_500(
    load_sample: Callable[..., Function], caplog: pytest.LogCaptureFixture
) -> None:
    # A header value that is not text is a caller's bug, not a bad request: it must not escape raw.
    broken = Request(headers=(("X-Count", 5),))  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="portable_fn.function"):
        response = load_sample("hello-c").handle(broken)
    assert response.status == 500
    assert b"internal error" in response.body
    (record,) = [record for record in caplog.records if record.name == "portable_fn.function"]
    assert record.exc_info is not None and record.exc_info[0] is TypeError
