"""The body limit under the real functions-framework server (template main.py, default 6 MiB limit)."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.adapters.gcp_functions.conftest import Server
from tests.adapters.test_request_body import PLANNED_BYTES, upload_until_answered


def test_a_chunked_upload_stops_being_read_at_the_limit_under_functions_framework(ff_server: Server) -> None:
    port = urlsplit(ff_server("http", "echo-c")).port
    assert port is not None
    status, sent = upload_until_answered(port, "/upload")
    assert status == 413
    assert sent < PLANNED_BYTES // 4
