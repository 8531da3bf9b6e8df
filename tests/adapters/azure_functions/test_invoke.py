"""``portable-fn invoke --event FILE --provider azure``: Event Grid files in both schemas, real guests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from adapters.azure_functions.events import from_event_grid
from adapters.azure_functions.invoke import decode_event, invoke_event
from portable_fn import EventRejected, RequestError
from portable_fn.cli import main
from tests.conftest import SAMPLE_CACHE, parse_echo, sample_path

EVENTS = Path(__file__).parent / "events"
TWO = EVENTS / "eventgrid-two-schemas.json"


def run(sample: str, event: Path) -> Result:
    args = ["invoke", str(sample_path(sample)), "--cache-dir", str(SAMPLE_CACHE), "--event", str(event)]
    return CliRunner().invoke(main, [*args, "--provider", "azure"])


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8-sig"))


def test_both_schemas_in_one_bom_file_are_acknowledged() -> None:
    assert TWO.read_bytes().startswith(b"\xef\xbb\xbf")
    result = run("echo-c", TWO)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"id": "eg-1", "acknowledged": True, "status": 200},
        {"id": "ce-2", "acknowledged": True, "status": 200},
    ]


def test_events_as_the_guest_sees_them(load_sample: Any) -> None:
    grid, cloud = load(TWO)
    views = []
    for item in (grid, cloud):
        response = load_sample("echo-c").handle(from_event_grid(decode_event(item)).to_request())
        env, _, body = parse_echo(response.body)
        views.append((env, body))
    (env, body), (env2, body2) = views
    assert (env["HTTP_CE_ID"], env["HTTP_CE_TYPE"], env["HTTP_CE_SOURCE"]) == ("eg-1", grid["eventType"], grid["topic"])
    assert env["HTTP_CE_SUBJECT"] == grid["subject"]
    assert env["HTTP_CE_TIME"] == "2024-05-01T12:00:00Z"
    assert env["HTTP_CE_DATAVERSION"] == "1"
    assert json.loads(body) == grid["data"]
    assert (env2["HTTP_CE_ID"], env2["HTTP_CE_TYPE"], env2["HTTP_CE_SOURCE"]) == (
        "ce-2",
        cloud["type"],
        cloud["source"],
    )
    assert env2["HTTP_CE_REGION"] == "west"
    assert (body2, env2["CONTENT_TYPE"]) == (b"please fail", "text/plain")


def test_every_shared_event_grid_file_is_acknowledged(shared_events: Path) -> None:
    paths = sorted((shared_events / "azure").glob("eventgrid-*.json"))
    assert paths
    for path in paths:
        items = load(path)
        result = run("echo-c", path)
        assert result.exit_code == 0, (path.name, result.output)
        ids = [entry["id"] for entry in json.loads(result.stdout)]
        assert ids == [item["id"] for item in (items if isinstance(items, list) else [items])]


def test_a_refused_event_is_an_error_naming_it() -> None:
    result = run("status-c", TWO)
    assert result.exit_code == 1
    assert "EventRejected" in result.output
    assert "1 of 2 event(s) refused" in result.output
    assert "event ce-2 got 500" in result.output


@pytest.mark.parametrize(
    ("event", "message"),
    [
        pytest.param([], "array is empty", id="empty"),
        pytest.param([1], "must be a JSON object", id="not-object"),
        pytest.param({"id": "x", "topic": "/t", "eventType": "E", "eventTime": "nope"}, "'x'", id="bad-time"),
        pytest.param({"id": "1", "topic": "", "eventType": "E", "data": {}}, "'source'", id="no-source"),
    ],
)
def test_malformed_events_are_request_errors(load_sample: Any, event: object, message: str) -> None:
    with pytest.raises(RequestError, match=message):
        invoke_event(load_sample("echo-c"), event)


def test_invoke_event_raises_event_rejected(load_sample: Any) -> None:
    with pytest.raises(EventRejected, match="event ce-2 got 500"):
        invoke_event(load_sample("status-c"), load(TWO))
