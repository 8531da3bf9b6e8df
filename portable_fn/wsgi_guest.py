"""Guest side of a Python component: runs the user's WSGI app once per ``wasi:cli/run`` call.

Not imported by the host. ``portable-fn build`` bundles this file into the component next to
the user's ``app.py``; there the standard library's ``wsgiref.handlers.CGIHandler`` runs
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
from wsgiref.handlers import CGIHandler

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


class _Handler(CGIHandler):
    """CGIHandler, except that MemoryError ends the run instead of becoming the app's own 500."""

    def handle_error(self) -> None:
        if isinstance(sys.exc_info()[1], MemoryError):
            raise
        super().handle_error()


class Run(exports.Run):  # type: ignore[misc]
    """The ``wasi:cli/run`` export: one request, then the instance is thrown away."""

    def run(self) -> None:
        """Serve one request; an app error is a CGI 500 (CGIHandler's), anything worse exits 1."""
        # os.environ, sys.argv and CGIHandler.os_environ were read at build time: use this run's.
        sys.argv = list(environment.get_arguments())
        handler = _Handler()
        handler.os_environ = {}
        handler.base_env = {name: to_wsgi_string(value) for name, value in environment.get_environment()}
        portable_fn_http.set_deadline(handler.base_env.get(portable_fn_http.DEADLINE_VARIABLE))
        try:
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
