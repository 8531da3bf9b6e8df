"""The CloudEvent function under the real functions-framework server: structured, binary and legacy events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import flask
import pytest
from cloudevents.http import from_http
from functions_framework.event_conversion import background_event_to_cloud_event

from adapters.gcp_functions.events import from_sdk_event
from portable_fn import Function
from tests.adapters.gcp_functions.conftest import Server
from tests.adapters.gcp_functions.test_handler import read
from tests.conftest import parse_echo

# Legacy background-event inputs and the CloudEvent functions-framework must make of them.
LEGACY = [
    ("pubsub-text-legacy.json", "pubsub-text-cloudevent-expected.json"),
    ("pubsub-oldest-legacy.json", "pubsub-oldest-legacy-expected-cloudevent.json"),
    ("storage-legacy.json", "storage-cloudevent-expected.json"),
]


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8-sig"))


def guest_saw(answer: bytes) -> tuple[dict[str, str], bytes]:
    env, _, body = parse_echo(answer)
    return env, body


def post_event(
    base: str, body: bytes, headers: list[tuple[str, str]] | tuple[tuple[str, str], ...]
) -> tuple[int, bytes]:
    status, _, answer = read(base, "POST", "/", tuple(headers), body)
    return status, answer


@pytest.mark.parametrize(
    "name", ["pubsub-text-cloudevent.json", "pubsub-binary-cloudevent.json", "storage-cloudevent.json"]
)
def test_structured_events_are_acknowledged(ff_server: Server, shared_events: Path, name: str) -> None:
    raw = (shared_events / "gcp" / name).read_bytes()
    status, _ = post_event(ff_server("event", "echo-c"), raw, [("Content-Type", "application/cloudevents+json")])
    assert status == 200


def test_binary_mode_event_is_acknowledged(ff_server: Server) -> None:
    headers = [
        ("ce-specversion", "1.0"),
        ("ce-id", "b-1"),
        ("ce-source", "//x"),
        ("ce-type", "t"),
        ("Content-Type", "text/plain"),
    ]
    assert post_event(ff_server("event", "status-c"), b"all good", headers)[0] == 200


@pytest.mark.parametrize(("legacy", "_expected"), LEGACY)
def test_legacy_events_are_acknowledged(ff_server: Server, shared_events: Path, legacy: str, _expected: str) -> None:
    raw = (shared_events / "gcp" / legacy).read_bytes()
    assert post_event(ff_server("event", "echo-c"), raw, [("Content-Type", "application/json")])[0] == 200


def test_guest_failure_is_non_2xx_so_eventarc_retries(ff_server: Server) -> None:
    headers = [
        ("ce-specversion", "1.0"),
        ("ce-id", "f-1"),
        ("ce-source", "//x"),
        ("ce-type", "t"),
        ("Content-Type", "text/plain"),
    ]
    base = ff_server("event", "status-c")
    assert post_event(base, b"please fail", headers)[0] == 500
    assert post_event(base, b"fine again", headers)[0] == 200


def test_malformed_event_is_a_400(ff_server: Server) -> None:
    status, _ = post_event(ff_server("event", "echo-c"), b"{not json", [("Content-Type", "application/json")])
    assert status == 400


def guest_view(load_sample: Any, event: Any) -> tuple[dict[str, str], bytes]:
    function: Function = load_sample("echo-c")
    env, _, body = parse_echo(function.handle(from_sdk_event(event).to_request()).body)
    return env, body


def test_structured_pubsub_as_the_guest_sees_it(shared_events: Path, load_sample: Any) -> None:
    raw = (shared_events / "gcp" / "pubsub-text-cloudevent.json").read_bytes()
    sent = load(shared_events / "gcp" / "pubsub-text-cloudevent.json")
    env, body = guest_view(load_sample, from_http({"content-type": "application/cloudevents+json"}, raw))
    assert json.loads(body) == sent["data"]
    assert env["CONTENT_TYPE"] == "application/json"
    for name in ("id", "source", "type", "time", "specversion"):
        assert env[f"HTTP_CE_{name.upper()}"] == sent[name], name


def test_binary_mode_as_the_guest_sees_it(load_sample: Any) -> None:
    headers = {"ce-specversion": "1.0", "ce-id": "b-1", "ce-source": "//storage", "ce-type": "t"}
    headers |= {"ce-subject": "objects/a b", "ce-traceparent": "00-1", "content-type": "application/octet-stream"}
    env, body = guest_view(load_sample, from_http(headers, b"\x00\x01raw"))
    assert body == b"\x00\x01raw"
    assert env["HTTP_CE_SUBJECT"] == "objects/a b"
    assert env["HTTP_CE_TRACEPARENT"] == "00-1"
    assert env["CONTENT_TYPE"] == "application/octet-stream"


@pytest.mark.parametrize(("legacy", "expected"), LEGACY)
def test_legacy_events_match_the_conformance_expectations(
    shared_events: Path, load_sample: Any, legacy: str, expected: str
) -> None:
    raw = (shared_events / "gcp" / legacy).read_bytes()
    want = load(shared_events / "gcp" / expected)
    app = flask.Flask(__name__)
    with app.test_request_context("/", method="POST", data=raw, content_type="application/json"):
        event = background_event_to_cloud_event(flask.request)
    env, body = guest_view(load_sample, event)
    for name in ("id", "source", "type", "time", "subject"):
        assert env.get(f"HTTP_CE_{name.upper()}") == want.get(name), name
    assert env["CONTENT_TYPE"] == want["datacontenttype"]
    assert json.loads(body) == want["data"]
