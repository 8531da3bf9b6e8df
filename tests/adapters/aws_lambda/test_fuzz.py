"""Mutated real Lambda events: an HTTP event always gets an HTTP result (400 when malformed); any other
event reaches the guest or raises portable_fn's own typed error. Nothing else escapes."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.aws_lambda.dispatch import find_shape, handle_event
from adapters.aws_lambda.http_event import HttpShape
from portable_fn import Function, PortableFnError
from tests.adapters.fuzz import FUZZ_SETTINGS, mutated, no_unexpected_errors, read_json, sample_files

EVENTS = Path(__file__).parent / "events"
SAMPLES = [read_json(path) for path in sample_files(EVENTS, "aws")]


@pytest.fixture(scope="module")
def echo(load_sample: Callable[..., Function]) -> Function:
    return load_sample("echo-c")


def check(function: Function, event: Any) -> None:
    """The adapter contract for one event."""
    try:
        shape = find_shape(event)
    except PortableFnError:
        return  # not a Lambda event we know: UnknownEvent, typed
    with no_unexpected_errors():
        if isinstance(shape, HttpShape):
            result = handle_event(function, event, None)
            assert result is not None
            assert result["statusCode"] in (200, 400, 413), result
        else:
            with contextlib.suppress(PortableFnError):
                handle_event(function, event, None)


@FUZZ_SETTINGS
@given(data=st.data())
def test_mutated_events_get_an_answer_or_a_typed_error(echo: Function, data: st.DataObject) -> None:
    sample = data.draw(st.sampled_from(SAMPLES))
    check(echo, data.draw(mutated(sample)))


def test_samples_cover_every_event_shape() -> None:
    shapes = set()
    for sample in SAMPLES:
        try:
            shapes.add(find_shape(sample).name)
        except PortableFnError:
            continue
    assert len(shapes) == 12, shapes


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("path", "/\ud800", id="path"),
        pytest.param("queryStringParameters", {"q": "\ud800"}, id="query"),
        pytest.param("headers", {"X-A": "\udfff"}, id="header"),
    ],
)
def test_lone_surrogates_in_an_http_event_are_a_400(echo: Function, field: str, value: object) -> None:
    event = read_json(EVENTS / "rest-v1-single-value-encoded.json")
    event[field] = value
    event.pop("multiValueQueryStringParameters", None)
    event.pop("multiValueHeaders", None)
    result = handle_event(echo, event, None)
    assert result is not None
    assert result["statusCode"] == 400
    assert "not valid Unicode" in result["body"]
