"""Queue, Blob, Event Grid and Timer triggers: objects built as the worker builds them, real guests."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from azure.functions.blob import InputStream
from azure.functions.eventgrid import EventGridEventInConverter
from azure.functions.meta import Datum
from azure.functions.queue import QueueMessage
from azure.functions.timer import TimerRequestConverter

from adapters.azure_functions.events import (
    from_blob,
    from_event_grid,
    from_queue_message,
    from_timer,
)
from adapters.azure_functions.handler import app_from_directory
from portable_fn import CloudEvent, EventRejected, Function
from tests.adapters.azure_functions.conftest import AppFactory, user_function, user_functions
from tests.conftest import parse_echo

ALL_TRIGGERS = 'triggers = ["queue", "blob", "eventgrid", "timer"]'


def guest_view(load_sample: Any, event: CloudEvent) -> tuple[dict[str, str], bytes]:
    """What the echo guest receives for ``event``: its environment and body."""
    function: Function = load_sample("echo-c")
    response = function.handle(event.to_request())
    env, _, body = parse_echo(response.body)
    return env, body


def event_grid_items(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    return data if isinstance(data, list) else [data]


def decode_event_grid(item: dict[str, Any]) -> Any:
    """The object the worker hands an Event Grid trigger for one array element."""
    return EventGridEventInConverter.decode(Datum(json.dumps(item), "json"), trigger_metadata={})


def queue_message(body: bytes) -> QueueMessage:
    inserted = datetime(2024, 5, 1, 12, 30, 5, tzinfo=UTC)
    return QueueMessage(  # type: ignore[no-untyped-call]
        id="m-1", body=body, dequeue_count=2, insertion_time=inserted, pop_receipt="r"
    )


def test_queue_message_as_the_guest_sees_it(load_sample: Any) -> None:
    env, body = guest_view(load_sample, from_queue_message(queue_message(b'{"n": 1}'), "jobs"))
    assert body == b'{"n": 1}'
    assert env["REQUEST_METHOD"] == "POST"
    assert env["HTTP_CE_ID"] == "m-1"
    assert env["HTTP_CE_SOURCE"] == "/azure/storage/queues/jobs"
    assert env["HTTP_CE_TYPE"] == "azure.storage.queue.message"
    assert env["HTTP_CE_TIME"] == "2024-05-01T12:30:05Z"
    assert env["HTTP_CE_DEQUEUECOUNT"] == "2"
    assert env["CONTENT_TYPE"] == "application/json"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"plain words", "text/plain; charset=utf-8"),
        (b"\xff\x00", "application/octet-stream"),
        (b"[1]", "application/json"),
    ],
)
def test_queue_content_type_is_sniffed(body: bytes, content_type: str) -> None:
    assert from_queue_message(queue_message(body), "q").datacontenttype == content_type


def test_blob_as_the_guest_sees_it(load_sample: Any) -> None:
    blob = InputStream(
        data=b"\x00\x01 blob bytes",
        name="portable-fn/in/a b.bin",
        uri="https://acct.blob.core.windows.net/portable-fn/in/a%20b.bin",
        length=14,
        blob_properties={"ETag": '"0x8DC"', "ContentType": "image/png", "LastModified": "2024-05-01T12:30:05+00:00"},
    )
    env, body = guest_view(load_sample, from_blob(blob))
    assert body == b"\x00\x01 blob bytes"
    assert env["HTTP_CE_SUBJECT"] == "portable-fn/in/a b.bin"
    assert env["HTTP_CE_SOURCE"] == "https://acct.blob.core.windows.net/portable-fn/in/a%2520b.bin"
    assert env["HTTP_CE_ID"] == "0x8DC"
    assert env["HTTP_CE_TYPE"] == "azure.storage.blob.written"
    assert env["CONTENT_TYPE"] == "image/png"


def test_timer_as_the_guest_sees_it(load_sample: Any) -> None:
    payload = '{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2024-05-01T12:00:00","Next":"2024-05-01T12:05:00"},"IsPastDue":true}'  # noqa: E501
    timer = TimerRequestConverter.decode(Datum(payload, "json"), trigger_metadata={})
    env, body = guest_view(load_sample, from_timer(timer, "timer"))
    assert json.loads(body) == json.loads(payload)
    assert env["HTTP_CE_TYPE"] == "azure.functions.timer"
    assert env["HTTP_CE_SOURCE"] == "/azure/functions/timer/timer"
    assert env["CONTENT_TYPE"] == "application/json"


def test_every_shared_event_grid_sample(shared_events: Path, load_sample: Any) -> None:
    paths = sorted((shared_events / "azure").glob("eventgrid-*.json"))
    assert paths
    for path in paths:
        for item in event_grid_items(path):
            env, body = guest_view(load_sample, from_event_grid(decode_event_grid(item)))
            assert env["HTTP_CE_ID"] == item["id"], path.name
            assert env["HTTP_CE_TYPE"] == item.get("eventType", item.get("type"))
            assert env["HTTP_CE_SOURCE"] == str(item.get("topic") or item.get("source")).replace("%", "%25")
            assert env.get("HTTP_CE_SUBJECT") == item.get("subject")
            assert env["HTTP_CE_TIME"][:19] == str(item.get("eventTime") or item.get("time"))[:19]
            if "data_base64" in item:
                assert body == base64.b64decode(item["data_base64"])
                assert env["HTTP_CE_FOO"] == item["foo"]
            elif item.get("data") is None:
                assert body == b""
            else:
                assert json.loads(body) == item["data"], path.name
                assert env["CONTENT_TYPE"] == item.get("datacontenttype", "application/json")


def test_event_grid_schema_keeps_data_version(load_sample: Any) -> None:
    item = {"id": "1", "topic": "/t", "subject": "s", "eventType": "E", "eventTime": "2024-05-01T00:00:00Z",
            "data": {"k": "v"}, "dataVersion": "2.0"}  # fmt: skip
    env, _ = guest_view(load_sample, from_event_grid(decode_event_grid(item)))
    assert env["HTTP_CE_DATAVERSION"] == "2.0"


def test_cloud_event_schema_text_data_stays_text(load_sample: Any) -> None:
    item = {"specversion": "1.0", "id": "1", "source": "/s", "type": "T", "datacontenttype": "text/plain", "data": "hi"}
    env, body = guest_view(load_sample, from_event_grid(decode_event_grid(item)))
    assert (body, env["CONTENT_TYPE"]) == (b"hi", "text/plain")


def test_registered_triggers_acknowledge(make_app: AppFactory) -> None:
    functions = user_functions(make_app("status-c", azure=ALL_TRIGGERS))
    item = {"specversion": "1.0", "id": "1", "source": "/s", "type": "T", "data": {"ok": True}}
    assert functions["queue"](queue_message(b"fine")) is None
    assert functions["eventgrid"](decode_event_grid(item)) is None
    assert functions["blob"](InputStream(data=b"fine", name="c/b", uri="https://a/c/b")) is None
    assert functions["timer"](TimerRequestConverter.decode(Datum("{}", "json"), trigger_metadata={})) is None


def test_guest_failure_raises_so_the_host_retries(make_app: AppFactory) -> None:
    functions = user_functions(make_app("status-c", azure=ALL_TRIGGERS))
    with pytest.raises(EventRejected, match="got 500"):
        functions["queue"](queue_message(b"please fail"))
    with pytest.raises(EventRejected, match="got 500"):
        functions["blob"](InputStream(data=b"fail", name="c/b", uri="https://a/c/b"))
    item = {
        "id": "e",
        "topic": "/t",
        "subject": "s",
        "eventType": "E",
        "eventTime": None,
        "data": "fail",
        "dataVersion": "",
    }
    with pytest.raises(EventRejected, match="event e got 500"):
        functions["eventgrid"](decode_event_grid(item))


@pytest.mark.parametrize(
    "item",
    [
        pytest.param(
            {"specversion": "1.0", "id": "1", "source": "/s", "type": "T", "data_base64": "%%%"}, id="bad-base64"
        ),
        pytest.param({"id": "1", "topic": "", "eventType": "E", "subject": "s", "data": {}}, id="no-source"),
        pytest.param(
            {"specversion": "1.0", "id": "1", "source": "/s", "type": "T", "Bad-Name": "x"}, id="bad-extension"
        ),
    ],
)
def test_malformed_event_grid_events_are_rejected_clearly(make_app: AppFactory, item: dict[str, Any]) -> None:
    with pytest.raises(EventRejected, match="malformed event"):
        user_function(make_app(azure=ALL_TRIGGERS), "eventgrid")(decode_event_grid(item))


def test_unloadable_function_rejects_events(tmp_path: Path) -> None:
    (tmp_path / "portable-fn.toml").write_text('artifact = "missing.wasm"\n', encoding="utf-8")
    app = app_from_directory(tmp_path, {})
    with pytest.raises(EventRejected, match="cannot load the function"):
        user_function(app, "queue")(queue_message(b"x"))
