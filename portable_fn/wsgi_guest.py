"""Guest side of a Python component: runs the user's WSGI app once per ``wasi:cli/run`` call.

Not imported by the host. ``portable-fn build`` bundles this file into the component next to
the user's ``app.py``; there the standard library's CGI handler (``wsgiref.handlers``) runs
``app.app`` against the WAGI contract: CGI variables and argv in, the body on stdin, the CGI
response on stdout. The app needs no SDK and the host no new contract.

componentize-py imports this module while it builds the component and snapshots the result,
so ``app.py`` is imported once, at build time, and every request starts from that snapshot.
"""

# Only modules imported while the component is built are inside it: load the ones that
# wsgiref and common frameworks import lazily (werkzeug needs the idna codec).
import encodings.ascii
import encodings.idna
import encodings.latin_1
import encodings.punycode
import encodings.utf_8
import sys
import time
import traceback
from typing import SupportsIndex
from wsgiref.handlers import BaseCGIHandler

import portable_fn_http  # type: ignore[import-not-found]
from app import app as application  # type: ignore[import-not-found]
from componentize_py_types import Err  # type: ignore[import-not-found]
from wit_world import exports  # type: ignore[import-not-found]
from wit_world.imports import environment  # type: ignore[import-not-found]

assert encodings.ascii and encodings.idna and encodings.latin_1 and encodings.punycode and encodings.utf_8

if not callable(application):
    raise TypeError(f"app.py: `app` must be a WSGI callable, found {type(application).__name__}")


SLEEP_STEP_SECONDS = 0.02
_blocking_sleep = time.sleep


def sliced_sleep(seconds: float | SupportsIndex) -> None:
    """``time.sleep`` in steps of at most 20 ms.

    The host stops a guest at its deadline only when wasm code runs, never inside one blocking
    WASI wait; between steps it does, so a sleeping app still ends as a 504 at its deadline.
    """
    duration = float(seconds)
    end = time.monotonic() + duration
    _blocking_sleep(min(duration, SLEEP_STEP_SECONDS))  # also raises what time.sleep raises
    while (left := end - time.monotonic()) > 0:
        _blocking_sleep(min(left, SLEEP_STEP_SECONDS))


time.sleep = sliced_sleep


def to_wsgi_string(value: str) -> str:
    """PEP 3333: environ values carry the CGI bytes decoded as latin-1."""
    return value.encode("utf-8", "surrogateescape").decode("latin-1")


# The host reads this last stderr line as a memory-cap breach (portable_fn/engine/failures.py):
# a failed memory.grow reaches the app as MemoryError, which the host cannot see in a component.
MEMORY_EXHAUSTED_LINE = "portable_fn: MemoryError: the app ran out of memory"


# The host reads stdout only once the run is over: one buffer that large turns a typical
# answer into one write, whatever chunks the app yields.
STDOUT_BUFFER_BYTES = 1 << 16


class _Handler(BaseCGIHandler):
    """wsgiref's CGI handler over one run's streams, written for a host that buffers the answer.

    Unlike ``CGIHandler``, stdout is a buffered writer: the component's raw stdout takes partial
    writes, which wsgiref answers by re-slicing (copying) the rest of the chunk each time, and
    the per-chunk flush is left out (closing the writer flushes it once). MemoryError ends the run
    instead of becoming the app's own 500.
    """

    wsgi_run_once = True

    def handle_error(self) -> None:
        if isinstance(sys.exc_info()[1], MemoryError):
            raise
        super().handle_error()

    def _flush(self) -> None:
        """Keep the answer in the buffer: the host sees none of it before the run ends."""


class Run(exports.Run):  # type: ignore[misc]
    """The ``wasi:cli/run`` export: one request, then the instance is thrown away."""

    def run(self) -> None:
        """Serve one request; an app error is a CGI 500 (wsgiref's), anything worse exits 1."""
        # sys.argv, os.environ and wsgiref's os_environ were read at build time: use this run's.
        sys.argv = list(environment.get_arguments())
        environ = {name: to_wsgi_string(value) for name, value in environment.get_environment()}
        portable_fn_http.set_deadline(environ.get(portable_fn_http.DEADLINE_VARIABLE))
        try:
            with open(1, "wb", buffering=STDOUT_BUFFER_BYTES, closefd=False) as stdout:
                handler = _Handler(sys.stdin.buffer, stdout, sys.stderr, environ, multithread=False, multiprocess=True)
                handler.os_environ = {}
                handler.run(application)
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise Err(None) from exc
        except MemoryError as exc:
            print(MEMORY_EXHAUSTED_LINE, file=sys.stderr, flush=True)
            raise Err(None) from exc
        except BaseException as exc:
            traceback.print_exc()
            raise Err(None) from exc
        finally:
            sys.stdout.flush()
