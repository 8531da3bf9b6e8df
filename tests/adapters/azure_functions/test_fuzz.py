"""Mutated HTTP requests and Event Grid events through the Azure entry points: an HTTP request always
gets an HTTP answer (400 when malformed, never 500); an event is delivered or raises EventRejected so
the host retries. Nothing else escapes, and nothing is logged as an unexpected error."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.azure_functions.events import from_event_grid
from adapters.azure_functions.handler import deliver_event, respond
from adapters.azure_functions.invoke import decode_event
from adapters.azure_functions.settings import AzureSettings
from portable_fn import EventRejected, Function, RequestError
from tests.adapters.fuzz import AWKWARD_TEXT, FUZZ_SETTINGS, mutated, no_unexpected_errors, read_json, sample_files

EVENTS = Path(__file__).parent / "events"
EVENT_SAMPLES = [
    item
    for path in sample_files(EVENTS, "azure")
    for item in (read_json(path) if isinstance(read_json(path), list) else [read_json(path)])
]
URLS = [
    "https://demo.azurewebsites.net/api/items/a%20b?x=1&x=2",
    "http://localhost:7071/api/",
    "https://[2001:db8::1]:8443/api/x",
    "https://[2001:db8::1/api/x",
    "https://host:99999/api",
    "https://host:-1/api",
    "https://host:port/api",
    "https://h/api/%00",
    "/api/relative",
    "",
]
TEXT = st.one_of(st.sampled_from(AWKWARD_TEXT), st.text(max_size=30))


@st.composite
def http_requests(draw: st.DrawFn) -> func.HttpRequest:
    """An HttpRequest as the worker could build one, with awkward parts."""
    url = draw(st.one_of(st.sampled_from(URLS), TEXT, st.builds(lambda a, b: a + b, st.sampled_from(URLS), TEXT)))
    headers = draw(st.dictionaries(st.sampled_from(["host", "x-forwarded-for", "content-type", "x-a"]), TEXT))
    method = draw(st.sampled_from(["GET", "POST", "DELETE", "get", "", "BR EW", "\u00c9"]))
    return func.HttpRequest(method=method, url=url, headers=headers, body=draw(st.binary(max_size=64)))


@pytest.fixture(scope="module")
def load(load_sample: Callable[..., Function]) -> Callable[[], Function]:
    function = load_sample("echo-c")
    return lambda: function


@FUZZ_SETTINGS
@given(request=http_requests())
def test_mutated_http_requests_always_get_an_http_answer(load: Callable[[], Function], request: Any) -> None:
    with no_unexpected_errors():
        response = respond(request, load, AzureSettings())
    assert response.status_code in (200, 400), response.get_body()


@FUZZ_SETTINGS
@given(data=st.data())
def test_mutated_event_grid_events_are_delivered_or_rejected(load: Callable[[], Function], data: st.DataObject) -> None:
    item = data.draw(mutated(data.draw(st.sampled_from(EVENT_SAMPLES))))
    try:
        event = decode_event(item)
    except RequestError:
        return  # the worker's own converter refused it, before our code
    with no_unexpected_errors(), contextlib.suppress(EventRejected):
        deliver_event(lambda: from_event_grid(event), load)


@pytest.mark.parametrize("url", ["https://host:99999/api/x", "https://[2001:db8::1/api/x", "https://host:port/"])
def test_a_url_azure_cannot_parse_is_a_bad_request(load: Callable[[], Function], url: str) -> None:
    response = respond(func.HttpRequest(method="GET", url=url, headers={}, body=b""), load, AzureSettings())
    assert response.status_code == 400
    assert b"cannot be parsed" in response.get_body()
