"""One cold start of a Lambda bundle under AWS's own runtime client (awslambdaric), on this machine.

``RuntimeApi`` is a one-invocation Lambda Runtime API on 127.0.0.1: ``GET /2018-06-01/runtime/invocation/next``
hands out the event (with the request id and deadline headers awslambdaric reads); ``POST
.../invocation/{id}/response`` (or ``/error``) records when the answer arrived. Later ``next`` calls wait
until the server is closed: the runtime is killed after its first answer. ``cold_start`` runs
``python -m awslambdaric lambda_function.handler`` in an unzipped bundle against it, with only the runtime
client beside the bundle on the path, as in Lambda's image.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

PREFIX = "/2018-06-01/runtime"
# What AWS's runtime image provides beside the handler's folder: the runtime client and its dependencies.
RUNTIME_MODULES = ("awslambdaric", "runtime_client", "simplejson", "snapshot_restore_py")
REQUEST_ID = "cold-start-0001"


@dataclass
class Answer:
    """What the runtime posted, and when (``time.perf_counter()`` at the end of the body)."""

    kind: str = ""
    body: Any = None
    at: float = 0.0
    fetched_at: float = 0.0
    arrived: threading.Event = field(default_factory=threading.Event)


class RuntimeApi:
    """A Runtime API server for one invocation of ``event``; a context manager that closes it."""

    def __init__(self, event: object) -> None:
        self.event = json.dumps(event).encode()
        self.answer = Answer()
        self.handed_out = threading.Lock()
        self.closed = threading.Event()
        self.server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        """``host:port``, the value of ``$AWS_LAMBDA_RUNTIME_API``."""
        return f"127.0.0.1:{self.server.server_address[1]}"

    def next_event(self) -> bytes | None:
        """The event, the first time; afterwards None once the server closes."""
        if self.handed_out.acquire(blocking=False):
            self.answer.fetched_at = time.perf_counter()
            return self.event
        self.closed.wait()
        return None

    def __enter__(self) -> RuntimeApi:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.closed.set()
        self.server.shutdown()
        self.server.server_close()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the runtime is killed while it waits for a second event: its connection breaks by design


def _handler_for(api: RuntimeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Without it every small response waits on delayed ACKs (~40 ms).
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            body = api.next_event() if self.path == f"{PREFIX}/invocation/next" else None
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Lambda-Runtime-Aws-Request-Id", REQUEST_ID)
            self.send_header("Lambda-Runtime-Deadline-Ms", str(int((time.time() + 30) * 1000)))
            self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:fn")
            self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            at = time.perf_counter()
            kind = self.path.rsplit("/", 1)[-1]
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()
            if not api.answer.arrived.is_set():
                api.answer.kind, api.answer.body, api.answer.at = kind, json.loads(body or b"null"), at
                api.answer.arrived.set()

    return Handler


@dataclass(frozen=True, slots=True)
class Timing:
    """One cold start: wall seconds to the first response, and CPU seconds the process used."""

    wall: float
    cpu: float


def child_cpu() -> float:
    """CPU seconds (user + system) of this process's children that have been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def running_cpu(pid: int) -> float:
    """CPU seconds the threads of live process ``pid`` have run so far (Linux schedstat, nanoseconds)."""
    tasks = Path(f"/proc/{pid}/task")
    return sum(int((tasks / task / "schedstat").read_text().split()[0]) for task in os.listdir(tasks)) / 1e9


class ColdStartFailed(RuntimeError):
    """Raised when the runtime posts no 200 response: carries the runtime's output."""


def runtime_path(folder: Path) -> Path:
    """``folder`` holding only awslambdaric and its dependencies (links into this interpreter's site-packages)."""
    folder.mkdir()
    for name in RUNTIME_MODULES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, name
        origin = Path(spec.origin)
        source = origin.parent if origin.name == "__init__.py" else origin
        (folder / source.name).symlink_to(source)
    return folder


def bare_python(folder: Path) -> Path:
    """A venv's Python at ``folder``: site-packages empty, so only the bundle and the runtime are importable."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return folder / "bin" / "python"


def cold_start(python: Path, bundle: Path, runtime: Path, event: object, flags: tuple[str, ...] = ()) -> Timing:
    """Time from starting ``python -m awslambdaric lambda_function.handler`` in ``bundle`` to its first
    response, and the CPU it used until then (it idles once it asks for a second event; read before it is
    killed, so tearing down its memory is not counted). Its output goes to ``bundle.with_suffix(".log")``.
    Raises ColdStartFailed unless it answers 200."""
    with RuntimeApi(event) as api, bundle.with_suffix(".log").open("w+b") as log:
        env = {
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(runtime),
            "LAMBDA_TASK_ROOT": str(bundle),
            "AWS_LAMBDA_RUNTIME_API": api.address,
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
        }
        command = [str(python), *flags, "-m", "awslambdaric", "lambda_function.handler"]
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=bundle, env=env, stdout=log, stderr=subprocess.STDOUT)
        arrived = api.answer.arrived.wait(120)
        cpu = running_cpu(process.pid)
        process.kill()
        process.wait()
        if not arrived or api.answer.kind != "response" or api.answer.body.get("statusCode") != 200:
            log.seek(0)
            output = log.read().decode("utf-8", "replace")[-3000:]
            raise ColdStartFailed(f"{bundle.name}: {api.answer.kind} {api.answer.body}\n{output}")
        return Timing(api.answer.at - start, cpu)
