"""One cold start of a Lambda bundle under AWS's own runtime client (awslambdaric), on this machine.

``RuntimeApi`` is a Lambda Runtime API on 127.0.0.1 (the handler tests use it too): it hands queued events to
the runtime and records each answer and when it arrived; a cold start queues one event and kills the runtime
after its answer. ``cold_start`` runs
``python -m awslambdaric lambda_function.handler`` in an unzipped bundle against it, with only the runtime
client beside the bundle on the path, as in Lambda's image.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import resource
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

PREFIX = "/2018-06-01/runtime"
# What AWS's runtime image provides beside the handler's folder: the runtime client and its dependencies.
RUNTIME_MODULES = ("awslambdaric", "runtime_client", "simplejson", "snapshot_restore_py")


@dataclass(frozen=True, slots=True)
class Answer:
    """What the runtime posted for one invocation (``response`` or ``error``, its parsed body), and when
    (``time.perf_counter()`` once its body was read)."""

    kind: str
    body: Any
    at: float


class RuntimeApi:
    """A Lambda Runtime API on 127.0.0.1 serving queued invocations; a context manager that closes it.

    ``GET .../invocation/next`` hands out the next queued event with the request id and deadline headers
    awslambdaric reads, waiting while none is queued; ``POST .../invocation/{id}/response`` (or ``/error``)
    records the answer; ``POST .../init/error`` is kept in ``init_errors``.
    """

    def __init__(self) -> None:
        self.pending: queue.Queue[tuple[str, bytes, int]] = queue.Queue()
        self.answers: dict[str, queue.Queue[Answer]] = {}
        self.init_errors: list[Any] = []
        self.closed = threading.Event()
        self.server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        """``host:port``, the value of ``$AWS_LAMBDA_RUNTIME_API``."""
        return f"127.0.0.1:{self.server.server_address[1]}"

    def submit(self, event: object, *, seconds: float = 30.0) -> str:
        """Queue one invocation of ``event`` with ``seconds`` left; returns its request id."""
        request_id = str(uuid.uuid4())
        self.answers[request_id] = queue.Queue()
        self.pending.put((request_id, json.dumps(event).encode(), int((time.time() + seconds) * 1000)))
        return request_id

    def wait(self, request_id: str, timeout: float = 120) -> Answer:
        """The runtime's answer to ``request_id``. Raises queue.Empty after ``timeout`` seconds."""
        return self.answers[request_id].get(timeout=timeout)

    def invoke(self, event: object, *, seconds: float = 30.0) -> tuple[str, Any]:
        """Queue one event; return ("response" | "error", parsed body) once the runtime answers."""
        answer = self.wait(self.submit(event, seconds=seconds))
        return answer.kind, answer.body

    def next_invocation(self) -> tuple[str, bytes, int] | None:
        """The next queued invocation, waiting for one; None once the server closes."""
        while not self.closed.is_set():
            try:
                return self.pending.get(timeout=0.1)
            except queue.Empty:
                continue
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
        pass  # a runtime killed while it waits for its next event breaks its connection by design


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
            invocation = api.next_invocation() if self.path == f"{PREFIX}/invocation/next" else None
            if invocation is None:
                self.send_error(404)
                return
            request_id, body, deadline_ms = invocation
            self.send_response(200)
            self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
            self.send_header("Lambda-Runtime-Deadline-Ms", str(deadline_ms))
            self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:fn")
            self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
            at = time.perf_counter()
            parts = self.path.removeprefix(PREFIX).strip("/").split("/")
            if parts[:2] == ["init", "error"]:
                api.init_errors.append(payload)
            else:
                _, request_id, kind = parts
                api.answers[request_id].put(Answer(kind, payload, at))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

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
    with RuntimeApi() as api, bundle.with_suffix(".log").open("w+b") as log:
        request_id = api.submit(event)
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
        try:
            answer: Answer | None = api.wait(request_id)
        except queue.Empty:
            answer = None
        cpu = running_cpu(process.pid)
        process.kill()
        process.wait()
        if answer is None or answer.kind != "response" or answer.body.get("statusCode") != 200:
            log.seek(0)
            output = log.read().decode("utf-8", "replace")[-3000:]
            raise ColdStartFailed(f"{bundle.name}: {answer}\n{output}")
        return Timing(answer.at - start, cpu)
