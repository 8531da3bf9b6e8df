"""The Lambda zip, unpacked into a fresh directory and run by a fresh interpreter with only its files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.aws_lambda.bundle import HANDLER, build_bundle
from benchmarks.lambda_runtime import bare_python, cold_start, runtime_path
from portable_fn.config_file import GENERATED_NAME
from portable_fn.packaging import CACHE_DIR, Bundle, BundleError
from tests.bundles import extract_zip
from tests.conftest import sample_path

QEMU = shutil.which("qemu-aarch64")
ARM64_SYSROOT = Path(os.environ.get("PORTABLE_FN_ARM64_SYSROOT", "/opt/arm64-python"))
ARM64_PYTHON = [QEMU or "qemu-aarch64", "-L", str(ARM64_SYSROOT), str(ARM64_SYSROOT / "usr/bin/python3.11")]
EVENT = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/hello",
    "rawQueryString": "a=1",
    "headers": {"host": "abc.lambda-url.us-east-1.on.aws", "user-agent": "test"},
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "abc",
        "domainName": "abc.lambda-url.us-east-1.on.aws",
        "domainPrefix": "abc",
        "http": {"method": "GET", "path": "/hello", "protocol": "HTTP/1.1", "sourceIp": "1.2.3.4", "userAgent": "t"},
        "requestId": "req-1",
        "routeKey": "$default",
        "stage": "$default",
        "time": "01/Jan/2024:00:00:00 +0000",
        "timeEpoch": 1704067200000,
    },
    "isBase64Encoded": False,
}
# Loaded by neither awslambdaric nor the `import wasmtime` floor, and not needed to answer an HTTP event.
NOT_ON_THE_HTTP_COLD_PATH = frozenset(
    {
        *("tomllib", "gzip", "datetime", "dataclasses", "inspect", "ast", "dis", "copy", "base64", "binascii", "http"),
        *("adapters.aws_lambda.sources", "adapters.aws_lambda.record_event"),
    }
)
# Run in the unpacked bundle by an interpreter that sees no site-packages: only the bundle's files.
INVOKE = """
import json, logging, sys
logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
sys.path.insert(0, sys.argv[1])
import lambda_function
class Context:
    aws_request_id = "req-1"
    function_name = "hello"
    def get_remaining_time_in_millis(self):
        return 30000
print(json.dumps(lambda_function.handler(json.loads(sys.argv[2]), Context())))
"""


@pytest.fixture(scope="module")
def wheel_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wheels")


@pytest.fixture(scope="module")
def x86_bundle(tmp_path_factory: pytest.TempPathFactory, wheel_cache: Path) -> Bundle:
    return build_bundle(sample_path("hello-c"), None, tmp_path_factory.mktemp("aws"), wheel_cache=wheel_cache)


def run_unpacked(bundle: Bundle, directory: Path, python: list[str]) -> tuple[dict[str, object], str]:
    """Unpack the zip into ``directory`` and invoke the handler once; returns (result, stderr)."""
    assert bundle.archive is not None
    extract_zip(bundle.archive, directory)
    before = sorted((path.name, path.stat().st_ino) for path in (directory / CACHE_DIR).iterdir())
    command = [*python, "-S", "-B", "-c", INVOKE, str(directory), json.dumps(EVENT)]
    environment = {"LAMBDA_TASK_ROOT": str(directory), "PATH": os.environ["PATH"]}
    result = subprocess.run(command, cwd=directory, env=environment, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    after = sorted((path.name, path.stat().st_ino) for path in (directory / CACHE_DIR).iterdir())
    assert after == before, "the cold start wrote a new precompiled artifact: it compiled"
    return json.loads(result.stdout), result.stderr


def test_unpacked_zip_answers_from_the_precompiled_artifact(x86_bundle: Bundle, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    result, stderr = run_unpacked(x86_bundle, tmp_path / "task", [str(venv / "bin" / "python")])
    assert result["statusCode"] == 200
    assert result["body"] == "hello\n"
    assert "compiling instead" not in stderr
    assert x86_bundle.precompiled.path is not None


def test_zip_carries_linux_wheels_and_no_host_packages(x86_bundle: Bundle) -> None:
    assert x86_bundle.archive is not None
    names = set(__import__("zipfile").ZipFile(x86_bundle.archive).namelist())
    assert "wasmtime/linux-x86_64/_libwasmtime.so" in names
    assert {"lambda_function.py", "portable-fn.toml", GENERATED_NAME, "hello-c.wasm"} <= names
    assert "adapters/aws_lambda/handler.py" in names
    assert not any(name.startswith(("click/", "gunicorn/", "portable_fn/packaging/")) for name in names)
    assert f"handler: {HANDLER}" in x86_bundle.instructions


def test_awslambdaric_answers_from_the_unzipped_zip_without_loading_what_http_does_not_need(
    x86_bundle: Bundle, tmp_path: Path
) -> None:
    """AWS's runtime client started in the unpacked zip with only itself beside it, as in Lambda's image.

    ``-X importtime`` lists every module the cold start loaded: the config comes from the generated
    literal (no TOML parser), record-event helpers stay unloaded for an HTTP request, value classes
    need no ``dataclasses`` (nor the ``inspect``, ``ast``, ``dis`` and ``copy`` it pulls in), and
    neither a text body nor a Lambda answer needs ``base64`` or ``http``'s status table, nor an HTTP
    event the non-HTTP sources.
    """
    assert x86_bundle.archive is not None
    task = tmp_path / "task"
    extract_zip(x86_bundle.archive, task)
    cold_start(bare_python(tmp_path / "venv"), task, runtime_path(tmp_path / "runtime"), EVENT, ("-X", "importtime"))
    log = task.with_suffix(".log").read_text()
    imported = {line.rsplit("|", 1)[-1].strip() for line in log.splitlines() if line.startswith("import time:")}
    assert {"adapters.aws_lambda.handler", "portable_fn.config", "wasmtime"} <= imported
    assert imported.isdisjoint(NOT_ON_THE_HTTP_COLD_PATH), sorted(imported & NOT_ON_THE_HTTP_COLD_PATH)


def test_same_inputs_give_the_same_zip_bytes(x86_bundle: Bundle, tmp_path: Path, wheel_cache: Path) -> None:
    again = build_bundle(sample_path("hello-c"), None, tmp_path, wheel_cache=wheel_cache)
    assert again.archive is not None and x86_bundle.archive is not None
    assert again.archive.read_bytes() == x86_bundle.archive.read_bytes()


def test_config_key_errors_name_the_key(tmp_path: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text('artifact = "x.wasm"\n[aws]\narchitecture = "sparc"\n')
    with pytest.raises(Exception, match=r"aws\.architecture must be one of x86_64, arm64"):
        build_bundle(sample_path("hello-c"), config, tmp_path / "out")


def test_refuses_to_empty_a_folder_it_did_not_build(tmp_path: Path) -> None:
    (tmp_path / "bundle").mkdir()
    (tmp_path / "bundle" / "precious.txt").write_text("keep me")
    with pytest.raises(BundleError, match="not a portable-fn bundle"):
        build_bundle(sample_path("hello-c"), None, tmp_path)
    assert (tmp_path / "bundle" / "precious.txt").exists()


@pytest.mark.skipif(
    QEMU is None or not (ARM64_SYSROOT / "usr/bin/python3.11").exists(),
    reason="needs qemu-user and an arm64 Python sysroot (see README: package aws, arm64)",
)
def test_arm64_zip_precompiled_under_qemu_runs_under_qemu(tmp_path: Path, wheel_cache: Path) -> None:
    config = tmp_path / "portable-fn.toml"
    config.write_text('artifact = "hello-c.wasm"\n[aws]\narchitecture = "arm64"\n')
    bundle = build_bundle(
        sample_path("hello-c"), config, tmp_path / "out", runner=ARM64_PYTHON, wheel_cache=wheel_cache
    )
    assert bundle.precompiled.path is not None and "-aarch64-" in bundle.precompiled.path.name
    result, stderr = run_unpacked(bundle, tmp_path / "task", ARM64_PYTHON)
    assert result["statusCode"] == 200
    assert "compiling instead" not in stderr
