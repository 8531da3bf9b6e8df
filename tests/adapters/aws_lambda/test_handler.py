"""The handler under AWS's real runtime client (awslambdaric) against a local Lambda Runtime API."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adapters.aws_lambda.handler import http_options
from adapters.aws_lambda.settings import OWN_TABLES
from benchmarks.lambda_runtime import RuntimeApi
from portable_fn import ConfigError, read_config
from tests.adapters.aws_lambda.test_dispatch import EVENTS, read_event
from tests.bundles import write_config
from tests.conftest import ROOT, parse_echo, sample_path


@dataclass
class LambdaRuntime:
    """``python -m awslambdaric`` (a process we started) talking to ``api``."""

    api: RuntimeApi
    process: subprocess.Popen[bytes]
    log: str | None = None

    def stop(self) -> str:
        """Stop the runtime (once) and return everything it printed: its log."""
        if self.log is None:
            self.process.kill()
            self.log = self.process.communicate()[0].decode("utf-8", "replace")
        return self.log


@contextmanager
def lambda_runtime(
    tmp_path: Path, artifact: str, timeout_seconds: int = 30, extra: str = "", environ: dict[str, str] | None = None
) -> Iterator[LambdaRuntime]:
    """A Runtime API server plus awslambdaric serving ``artifact`` through a temp portable-fn.toml
    (with ``extra`` config lines), ``environ`` added to the runtime's environment."""
    config = write_config(tmp_path, sample_path(artifact), f"[limits]\ntimeout_seconds = {timeout_seconds}\n{extra}")
    with RuntimeApi() as api:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "PYTHONPATH": str(ROOT),
            "LAMBDA_TASK_ROOT": str(ROOT),
            "AWS_LAMBDA_RUNTIME_API": api.address,
            "PORTABLE_FN_CONFIG": str(config),
            **(environ or {}),
        }
        command = [sys.executable, "-m", "awslambdaric", "adapters.aws_lambda.handler.handler"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        runtime = LambdaRuntime(api, process)
        try:
            yield runtime
        finally:
            runtime.stop()


@pytest.fixture(scope="module")
def echo_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RuntimeApi]:
    with lambda_runtime(tmp_path_factory.mktemp("echo"), "echo-c") as runtime:
        yield runtime.api


def decoded(answer: tuple[str, Any]) -> tuple[int, dict[str, str], bytes]:
    kind, result = answer
    assert kind == "response", result
    raw = base64.b64decode(result["body"]) if result["isBase64Encoded"] else result["body"].encode()
    env, _, body = parse_echo(raw)
    return result["statusCode"], env, body


def test_http_events_answer_end_to_end(echo_runtime: RuntimeApi, shared_events: Path) -> None:
    for name in ("apigw-http-v2.json", "apigw-rest-v1-multivalue.json", "function-url-base64-body.json"):
        status, env, body = decoded(echo_runtime.invoke(read_event(shared_events / "aws" / name)))
        assert status == 200
        assert env["X_RAW_PATH_INFO"] in ("/my/path", "/")
        assert body in (b'{"message": "hello world", "username": "tom"}', b"Hello from Lambda!", b"<idk/>")
    status, env, _ = decoded(echo_runtime.invoke(read_event(EVENTS / "alb-single-value-plus-path.json")))
    assert (status, env["QUERY_STRING"]) == (200, "q=a%20b%2Bc&k=v+w")


def test_bad_events_do_not_stop_the_runtime(echo_runtime: RuntimeApi, shared_events: Path) -> None:
    kind, result = echo_runtime.invoke(read_event(shared_events / "aws" / "apigw-rest-v1-invalid-base64-body.json"))
    assert (kind, result["statusCode"]) == ("response", 400)
    kind, error = echo_runtime.invoke({"hello": "world"})
    assert kind == "error"
    assert error["errorType"] == "UnknownEvent"
    assert "unrecognised Lambda event" in error["errorMessage"]
    assert decoded(echo_runtime.invoke(read_event(EVENTS / "http-v2-named-stage.json")))[0] == 200


def test_sqs_partial_batch_response(echo_runtime: RuntimeApi, shared_events: Path) -> None:
    assert echo_runtime.invoke(read_event(shared_events / "aws" / "sqs.json")) == (
        "response",
        {"batchItemFailures": []},
    )


def test_request_id_reaches_the_guest_log(tmp_path: Path, shared_events: Path) -> None:
    with lambda_runtime(tmp_path, "stderr-c") as runtime:
        kind, _ = runtime.api.invoke(read_event(shared_events / "aws" / "function-url-get.json"))
        assert kind == "response"
        [request_id] = runtime.api.answers
        log = runtime.stop()
    assert f"[{request_id}] guest log line" in log


def test_guest_trap_answers_500_and_the_next_invocation_still_works(tmp_path: Path, shared_events: Path) -> None:
    with lambda_runtime(tmp_path, "trap-wat") as runtime:
        api = runtime.api
        event = read_event(shared_events / "aws" / "apigw-http-v2.json")
        for _ in range(2):
            kind, result = api.invoke(event)
            assert (kind, result["statusCode"]) == ("response", 500)
            assert "trap" in result["body"].lower()


def test_remaining_time_caps_the_guest_deadline(tmp_path: Path, shared_events: Path) -> None:
    # The config allows 250 s, more than the test's own timeout: only Lambda's deadline can stop the loop.
    with lambda_runtime(tmp_path, "loop-wat", timeout_seconds=250) as runtime:
        kind, result = runtime.api.invoke(read_event(shared_events / "aws" / "function-url-get.json"), seconds=2.0)
        assert (kind, result["statusCode"]) == ("response", 504)


def test_another_providers_table_fails_the_invocation_naming_it(tmp_path: Path, shared_events: Path) -> None:
    # A project file handed to Lambda: the entry point knows only the [aws] table, never the registry.
    with lambda_runtime(tmp_path, "hello-c", extra='[aws]\nmemory_mb = 1024\n[gcp]\nregion = "x"\n') as runtime:
        kind, result = runtime.api.invoke(read_event(shared_events / "aws" / "function-url-get.json"))
    assert (kind, result["errorType"]) == ("error", "ConfigError")
    assert result["errorMessage"].endswith("unknown config table [gcp]; known tables: [aws], [grants], [limits]")


def test_text_mime_types_come_from_the_aws_table(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text('artifact = "x.wasm"\n[aws]\ntext_mime_types = ["Application/Octet-Stream"]\n')
    assert http_options(read_config(config, OWN_TABLES)).text_mime_types == ("application/octet-stream",)
    config.write_text('artifact = "x.wasm"\n[aws]\ntext_mime_types = "text/"\n')
    with pytest.raises(ConfigError, match=r"aws\.text_mime_types"):
        http_options(read_config(config, OWN_TABLES))


def test_the_lambda_import_path_loads_no_other_provider_or_server_library() -> None:
    code = (
        "import sys, adapters.aws_lambda.handler\n"
        "heavy = {'boto3', 'botocore', 'flask', 'werkzeug', 'azure', 'functions_framework', 'gunicorn', 'click'}\n"
        "print(sorted(heavy & {name.split('.')[0] for name in sys.modules}))\n"
    )
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"
