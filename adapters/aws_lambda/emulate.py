"""``portable-fn serve --emulate aws-rest|aws-http|aws-url|aws-alb``: the Lambda code path, locally.

Each local request becomes that shape's native event (``native_events.py``), goes through
``dispatch.handle_event`` exactly as in Lambda, and the shape's result is turned back into
an HTTP response (base64 bodies decoded, multi-value headers and cookies repeated).
"""

from __future__ import annotations

import base64
import time
import uuid

from adapters.aws_lambda.dispatch import handle_event
from adapters.aws_lambda.native_events import BUILDERS, EventBuilder
from adapters.aws_lambda.types import SAFETY_MARGIN_SECONDS, HttpOptions, Result
from portable_fn import ConfigError, Function, FunctionSpec, status_line
from portable_fn.types import StartResponse, WSGIEnviron
from portable_fn.values import frozen
from portable_fn.wsgi import Reply, serve, to_request


@frozen
class EmulatedContext:
    """A Lambda context whose remaining time is the Function's own timeout."""

    aws_request_id: str
    deadline: float  # time.monotonic() value

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left, as Lambda's context reports them."""
        return max(int((self.deadline - time.monotonic()) * 1000), 0)


class EmulatedApp:
    """WSGI app: local HTTP -> native event -> Lambda adapter -> result -> local HTTP."""

    def __init__(self, function: Function, build_event: EventBuilder, options: HttpOptions) -> None:
        self.function = function
        self.build_event = build_event
        self.options = options

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> list[bytes]:
        return serve(environ, start_response, self.answer)

    def answer(self, environ: WSGIEnviron) -> Reply:
        """Status line, headers and body for one local request. Raises RequestError (413 included)."""
        request_id = str(uuid.uuid4())
        request = to_request(environ, self.function.limits.max_body_bytes)
        event = self.build_event(request, request_id, self.options)
        budget = self.function.limits.timeout_seconds + SAFETY_MARGIN_SECONDS
        context = EmulatedContext(request_id, time.monotonic() + budget)
        result = handle_event(self.function, event, context, self.options)
        return from_result(result or {})


def build_app(spec: FunctionSpec, shape: str, options: HttpOptions | None = None) -> EmulatedApp:
    """Load ``spec`` and serve it through Lambda shape ``shape``. Raises ConfigError for an unknown shape."""
    if shape not in BUILDERS:
        raise ConfigError(f"unknown AWS event shape {shape!r}; expected one of {', '.join(BUILDERS)}")
    return EmulatedApp(spec.load(), BUILDERS[shape], options or HttpOptions())


def from_result(result: Result) -> Reply:
    """Status line, headers (repeated where the result holds lists) and body bytes of a Lambda HTTP result."""
    status = int(result.get("statusCode", 200))
    headers = [(name, value) for name, values in (result.get("multiValueHeaders") or {}).items() for value in values]
    headers += [(name, str(value)) for name, value in (result.get("headers") or {}).items()]
    headers += [("Set-Cookie", cookie) for cookie in result.get("cookies") or ()]
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode("utf-8")
    return result.get("statusDescription") or status_line(status), headers, body
