"""Where a run's stdout and stderr go, each held to its cap in memory as well as in the answer.

Core modules write through the shimmed ``fd_write`` (see ``preview1``) into a ``Capture``: bytes
past a cap are never copied out of the guest. Components write into ``StreamFiles``, anonymous
in-memory files that the epoch ticker checks every tick: there the overshoot is what the guest
writes in one tick (wasmtime-py offers no cheaper hook per write for components).
"""

from __future__ import annotations

import os
import threading

from portable_fn.values import field, mutable


@mutable
class Capture:
    """Bytes written to one stream, at most ``cap`` of them; ``dropped`` counts the rest."""

    cap: int
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    dropped: int = 0

    def add(self, kept: bytes, length: int) -> None:
        """Record a write of ``length`` bytes of which the caller copied ``kept`` (what fit)."""
        if kept:
            self.chunks.append(kept)
            self.size += len(kept)
        self.dropped += length - len(kept)

    def data(self) -> bytes:
        """Everything kept, in order."""
        return b"".join(self.chunks)


def with_truncation_note(kept: bytes, dropped: int, cap: int) -> bytes:
    """A log with one line saying how much was dropped past ``cap``, when anything was."""
    if not dropped:
        return kept
    separator = b"" if not kept or kept.endswith(b"\n") else b"\n"
    return kept + separator + f"[stderr truncated: {dropped} bytes past the {cap}-byte cap dropped]\n".encode()


class StreamFiles:
    """A component run's stdout and stderr as anonymous files that wasmtime opens by path.

    Nothing is left behind: memfds vanish with their last descriptor, and the named fallback
    (no memfd outside Linux) is unlinked as soon as wasmtime has opened it.
    """

    def __init__(self, max_output: int, max_stderr: int) -> None:
        self.max_output = max_output
        self.max_stderr = max_stderr
        self.stdout_fd, self.stdout_path = _scratch_file("out")
        self.stderr_fd, self.stderr_path = _scratch_file("err")
        self._stderr_written = 0

    def release_names(self) -> None:
        """Unlink named fallback files once wasmtime holds them open (memfds have no name)."""
        for path in (self.stdout_path, self.stderr_path):
            if not path.startswith("/proc/"):
                os.unlink(path)

    def stdout_exceeded(self) -> bool:
        """Called every tick: trim stderr to its cap and tell whether stdout is past its cap."""
        stderr_size = os.fstat(self.stderr_fd).st_size
        if stderr_size > self.max_stderr:
            # wasmtime writes at its own offset past the cut: the gap is a hole, which takes no memory.
            self._stderr_written = max(self._stderr_written, stderr_size)
            os.ftruncate(self.stderr_fd, self.max_stderr)
        return os.fstat(self.stdout_fd).st_size > self.max_output

    def stdout(self) -> bytes | None:
        """The stdout written, or None when it is past the cap."""
        size = os.fstat(self.stdout_fd).st_size
        return None if size > self.max_output else os.pread(self.stdout_fd, size, 0)

    def stderr(self) -> bytes:
        """The stderr kept, with a truncation line when some was dropped."""
        size = os.fstat(self.stderr_fd).st_size
        written = max(self._stderr_written, size)
        kept = os.pread(self.stderr_fd, min(size, self.max_stderr), 0)
        return with_truncation_note(kept, max(0, written - self.max_stderr), self.max_stderr)

    def close(self) -> None:
        """Close both files (their memory goes with them)."""
        os.close(self.stdout_fd)
        os.close(self.stderr_fd)


def _scratch_file(suffix: str) -> tuple[int, str]:
    if hasattr(os, "memfd_create"):
        descriptor = os.memfd_create(f"portable_fn-{suffix}")
        return descriptor, f"/proc/self/fd/{descriptor}"
    directory = os.environ.get("TMPDIR", "/tmp")
    path = os.path.join(directory, f"portable_fn-{os.getpid()}-{threading.get_ident()}-{id(object())}.{suffix}")
    return os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600), path
