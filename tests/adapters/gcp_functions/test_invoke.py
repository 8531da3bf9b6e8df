"""``portable-fn invoke --event FILE --provider gcp``: structured CloudEvents and legacy events, real guests."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from adapters.gcp_functions.events import from_sdk_event
from adapters.gcp_functions.invoke import invoke_event, to_sdk_event
from portable_fn import EventRejected, Function, RequestError
from portable_fn.cli import main
from tests.conftest import SAMPLE_CACHE, parse_echo, sample_path

EVENTS = Path(__file__).parent / "events"


def run(sample: str, event: Path) -> Result:
    args = ["invoke", str(sample_path(sample)), "--cache-dir", str(SAMPLE_CACHE), "--event", str(event)]
    return CliRunner().invoke(main, [*args, "--provider", "gcp"])


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8-sig"))


def guest_view(function: Function, event: Any) -> tuple[dict[str, str], bytes]:
    """What the echo guest receives for a file's event, converted the way invoke_event converts it."""
    env, _, body = parse_echo(function.handle(from_sdk_event(to_sdk_event(event)).to_request()).body)
    return env, body


@pytest.mark.parametrize("name", ["cloudevent-text.json", "pubsub-legacy.json"])
def test_own_event_files_are_acknowledged(name: str) -> None:
    result = run("echo-c", EVENTS / name)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"acknowledged": True, "status": 200}


def test_structured_cloudevent_as_the_guest_sees_it(load_sample: Any) -> None:
    env, body = guest_view(load_sample("echo-c"), load(EVENTS / "cloudevent-text.json"))
    assert body == b"order 7"
    assert env["CONTENT_TYPE"] == "text/plain"
    assert (env["HTTP_CE_ID"], env["HTTP_CE_SOURCE"], env["HTTP_CE_TYPE"]) == (
        "ce-7",
        "//example/orders",
        "com.example.order.created",
    )
    assert env["HTTP_CE_SUBJECT"] == "orders/7"
    assert env["HTTP_CE_TRACEPARENT"] == "00-abc-def-01"


def test_legacy_pubsub_is_converted_by_functions_framework(load_sample: Any) -> None:
    env, body = guest_view(load_sample("echo-c"), load(EVENTS / "pubsub-legacy.json"))
    assert env["HTTP_CE_TYPE"] == "google.cloud.pubsub.topic.v1.messagePublished"
    assert env["HTTP_CE_SOURCE"] == "//pubsub.googleapis.com/projects/p/topics/orders"
    assert env["HTTP_CE_ID"] == "evt-9"
    message = json.loads(body)["message"]
    assert base64.b64decode(message["data"]) == b"order 9"
    assert message["attributes"] == {"k": "v"}


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("pubsub-text-legacy.json", "pubsub-text-cloudevent-expected.json"),
        ("storage-legacy.json", "storage-cloudevent-expected.json"),
    ],
)
def test_shared_legacy_events_match_expectations(
    shared_events: Path, load_sample: Any, legacy: str, expected: str
) -> None:
    want = load(shared_events / "gcp" / expected)
    env, body = guest_view(load_sample("echo-c"), load(shared_events / "gcp" / legacy))
    for name in ("id", "source", "type", "time", "subject"):
        assert env.get(f"HTTP_CE_{name.upper()}") == want.get(name), name
    assert json.loads(body) == want["data"]
    assert run("echo-c", shared_events / "gcp" / legacy).exit_code == 0


def test_every_shared_gcp_event_file_is_acknowledged(shared_events: Path) -> None:
    # Expectations and data-only StorageObjectData are not events; the pubsub-data files are Pub/Sub pushes.
    skipped = ("expected", "storage-data-")
    paths = [p for p in sorted((shared_events / "gcp").glob("*.json")) if not any(s in p.name for s in skipped)]
    assert len(paths) >= 8
    for path in paths:
        result = run("echo-c", path)
        assert result.exit_code == 0, (path.name, result.output)


def test_data_only_payload_is_a_clear_error(shared_events: Path) -> None:
    result = run("echo-c", shared_events / "gcp" / "storage-data-complex.json")
    assert result.exit_code == 1
    assert "malformed GCP event" in result.output


def test_guest_refusal_is_an_error(tmp_path: Path) -> None:
    event = load(EVENTS / "cloudevent-text.json") | {"data": "please fail"}
    path = tmp_path / "fail.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    result = run("status-c", path)
    assert result.exit_code == 1
    assert "EventRejected" in result.output
    assert "event ce-7 got 500" in result.output


@pytest.mark.parametrize(
    ("event", "message"),
    [
        pytest.param([1], "must be a JSON object", id="array"),
        pytest.param({"specversion": "1.0", "id": "x"}, "Missing required attributes", id="cloudevent-missing"),
        pytest.param({"context": {"eventType": "nope"}, "data": {}}, "malformed GCP event", id="legacy-bad-type"),
        pytest.param({"a": 1}, "malformed GCP event", id="neither"),
    ],
)
def test_malformed_events_are_request_errors(load_sample: Any, event: object, message: str) -> None:
    with pytest.raises(RequestError, match=message):
        invoke_event(load_sample("echo-c"), event)


def test_invoke_event_raises_event_rejected(load_sample: Any) -> None:
    with pytest.raises(EventRejected, match="got 500"):
        invoke_event(load_sample("status-c"), load(EVENTS / "cloudevent-text.json") | {"data": "fail"})
