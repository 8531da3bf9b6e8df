"""CloudEvent values and their binary-mode HTTP encoding, checked against the echo guest."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from portable_fn import CloudEvent, EventRejected, Function, RequestError, Response, deliver, is_acknowledged
from tests.conftest import parse_echo


def test_binary_mode_request_carries_every_attribute_as_ce_headers(load_sample: Callable[..., Function]) -> None:
    event = CloudEvent(
        id="42",
        source="//storage.example/bucket",
        type="com.example.object.created",
        data=b'{"k": "v"}',
        datacontenttype="application/json",
        time="2026-11-26T10:00:00Z",
        subject="photos/café 1.jpg",
        extensions=(("traceparent", "00-abc-01"),),
    )
    env, _, body = parse_echo(load_sample("echo-c").call(event.to_request()).body)
    assert env["REQUEST_METHOD"] == "POST"
    assert env["CONTENT_TYPE"] == "application/json"
    assert env["HTTP_CE_SPECVERSION"] == "1.0"
    assert env["HTTP_CE_ID"] == "42"
    assert env["HTTP_CE_SOURCE"] == "//storage.example/bucket"
    assert env["HTTP_CE_TYPE"] == "com.example.object.created"
    assert env["HTTP_CE_TIME"] == "2026-11-26T10:00:00Z"
    assert env["HTTP_CE_SUBJECT"] == "photos/caf%C3%A9 1.jpg"
    assert env["HTTP_CE_TRACEPARENT"] == "00-abc-01"
    assert body == b'{"k": "v"}'


def test_unset_optional_attributes_are_not_sent() -> None:
    request = CloudEvent(id="1", source="s", type="t").to_request()
    assert {name for name, _ in request.headers} == {"ce-specversion", "ce-id", "ce-source", "ce-type"}
    assert request.request_id == "1"


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"id": "", "source": "s", "type": "t"}, id="empty-id"),
        pytest.param({"id": "1", "source": "", "type": "t"}, id="empty-source"),
        pytest.param({"id": "1", "source": "s", "type": "t", "extensions": (("Bad-Name", "x"),)}, id="bad-extension"),
        pytest.param({"id": "1", "source": "s", "type": "t", "extensions": (("subject", "x"),)}, id="shadowing"),
    ],
)
def test_invalid_events_are_request_errors(kwargs: dict[str, object]) -> None:
    with pytest.raises(RequestError):
        CloudEvent(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("status", "acknowledged"), [(200, True), (204, True), (302, False), (500, False)])
def test_only_2xx_acknowledges(status: int, acknowledged: bool) -> None:
    assert is_acknowledged(Response(status)) is acknowledged


def test_deliver_returns_a_2xx_answer_and_rejects_anything_else(load_sample: Callable[..., Function]) -> None:
    guest = load_sample("status-c")
    assert deliver(guest, CloudEvent(id="ok-1", source="s", type="t", data=b"fine")).status == 200
    with pytest.raises(EventRejected, match="event bad-1 got 500"):
        deliver(guest, CloudEvent(id="bad-1", source="s", type="t", data=b"please fail"))
