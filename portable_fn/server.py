"""The local server behind ``portable-fn serve``, every ``--emulate`` mode and the container bundle.

A small pre-fork supervisor: one worker process per core on the socket the CLI bound, each running
uvicorn with httptools on an event loop (``portable_fn.serving``) and its guests in a bounded pool of
threads. Chosen by measurement (benchmarks/README.md, "The front door"): it hands over the raw path,
query and header bytes exactly, where granian refuses some targets the conformance suite sends.
SIGTERM or SIGINT drains every worker (in-flight requests finish) and exits 0.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from types import FrameType
from typing import NoReturn

from portable_fn.function import FunctionSpec
from portable_fn.serving.options import ServerOptions
from portable_fn.serving.worker import run_worker
from portable_fn.types import AppFactory

__all__ = ["ServerOptions", "serve"]
_log = logging.getLogger("portable_fn.server")
# A worker that died while serving is replaced after this pause, so a crash loop cannot spin a core.
RESPAWN_PAUSE_SECONDS = 1.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def serve(spec: FunctionSpec, options: ServerOptions, factory: AppFactory | None = None) -> None:
    """Serve ``spec`` until SIGTERM/SIGINT, then drain the workers and return.

    ``factory`` builds an emulated provider's WSGI app in each worker (None: the guest itself).
    """
    listener = _listener(options)
    supervisor = _Supervisor(listener, spec, options, factory)
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, supervisor.stop)
    supervisor.run()
    listener.close()


def _listener(options: ServerOptions) -> socket.socket:
    if options.listener_fd is not None:
        return socket.socket(fileno=options.listener_fd)
    return socket.create_server((options.host, options.port), family=_family(options.host), backlog=2048)


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


class _Supervisor:
    """Forks the workers, replaces one that dies while serving, and forwards a stop to them all."""

    def __init__(
        self, listener: socket.socket, spec: FunctionSpec, options: ServerOptions, factory: AppFactory | None
    ) -> None:
        self.listener = listener
        self.spec = spec
        self.options = options
        self.factory = factory
        self.workers: set[int] = set()
        self.stopping = False

    def run(self) -> None:
        """Start the workers and wait until every one has exited after a stop."""
        for _ in range(self.options.workers):
            self.fork_worker()
        while self.workers:
            pid, status = os.wait()
            self.workers.discard(pid)
            if not self.stopping:
                _log.error("worker %d died (%s); starting another", pid, _describe(status))
                time.sleep(RESPAWN_PAUSE_SECONDS)
            if not self.stopping:  # checked again: a stop may have come during the pause
                self.fork_worker()

    def fork_worker(self) -> int:
        """Start one worker process; returns its pid.

        Stop signals wait while it forks, so that a stop cannot miss the new worker, nor run this
        supervisor's handler in the child.
        """
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            pid = os.fork()
            if pid == 0:
                self.work()
            self.workers.add(pid)
            return pid
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    def work(self) -> NoReturn:
        """The child's life: serve until stopped, then exit with the worker's code."""
        for stop_signal in STOP_SIGNALS:
            # Until uvicorn takes the signals over (and after it hands them back) a stop ends the
            # worker at once: it has nothing in flight then.
            signal.signal(stop_signal, _exit_now)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        code = 1
        try:
            run_worker(self.listener, self.spec, self.options, self.factory)
            code = 0
        except SystemExit as exit_request:
            code = exit_request.code if isinstance(exit_request.code, int) else int(exit_request.code is not None)
        except BaseException:
            _log.exception("worker %d failed", os.getpid())
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)  # never run the parent's cleanup (atexit, its stack) in the child

    def stop(self, signum: int, frame: FrameType | None) -> None:
        """Ask every worker to drain and exit (SIGTERM), once."""
        if self.stopping:
            return
        self.stopping = True
        for pid in self.workers:
            os.kill(pid, signal.SIGTERM)


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def _exit_now(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
