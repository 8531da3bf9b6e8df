"""Mutated real CloudEvents and legacy events, parsed as functions-framework parses them, then handed
to the event entry point: it acknowledges, refuses a malformed event with 400 (BadRequest), or raises
EventRejected (500, retried). Nothing else escapes, and nothing is logged as an unexpected error."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import BadRequest

from adapters.gcp_functions.handler import Entry
from adapters.gcp_functions.invoke import to_sdk_event
from portable_fn import EventRejected, Function, RequestError
from tests.adapters.fuzz import FUZZ_SETTINGS, mutated, no_unexpected_errors, read_json, sample_files

EVENTS = Path(__file__).parent / "events"
SAMPLES = [read_json(path) for path in sample_files(EVENTS, "gcp")]


@pytest.fixture(scope="module")
def entry(load_sample: Callable[..., Function]) -> Entry:
    function = load_sample("echo-c")
    return Entry(lambda: function)


def check(entry: Entry, event: Any) -> None:
    """The event entry point's contract for one event functions-framework could hand it."""
    try:
        sdk_event = to_sdk_event(event)
    except RequestError:
        return  # the SDK or functions-framework's converter refused it: their 400, before our code
    with no_unexpected_errors(), contextlib.suppress(BadRequest, EventRejected):
        entry.event(sdk_event)


@FUZZ_SETTINGS
@given(data=st.data())
def test_mutated_events_are_acknowledged_refused_or_rejected(entry: Entry, data: st.DataObject) -> None:
    check(entry, data.draw(mutated(data.draw(st.sampled_from(SAMPLES)))))


def test_a_cloud_event_time_that_is_a_list_is_a_bad_request(entry: Entry) -> None:
    event = read_json(EVENTS / "cloudevent-text.json")
    event["time"] = ["2024-05-01T12:00:00Z"]
    with pytest.raises(BadRequest, match="'time' must be a string"):
        entry.event(to_sdk_event(event))


@pytest.mark.parametrize(("field", "value"), [("data", "\ud800"), ("subject", "x\udfff")])
def test_text_that_is_not_unicode_is_a_bad_request(entry: Entry, field: str, value: str) -> None:
    event = read_json(EVENTS / "cloudevent-text.json")
    event[field] = value
    with pytest.raises(BadRequest, match="not valid Unicode"):
        entry.event(to_sdk_event(event))
