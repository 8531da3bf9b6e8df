"""The one ordered list of event shapes and the code path every invocation takes.

Order matters where shapes overlap: Function URL before HTTP API (both payload 2.0),
ALB before REST (both carry ``httpMethod``), ALB multi-value before single-value. A caller may pass
its own sequence of shapes (anything with ``name``, ``matches`` and ``invoke``: ``types.Shape``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator

from adapters.aws_lambda.alb import AlbMultiValue, AlbSingleValue
from adapters.aws_lambda.apigateway import FunctionUrl, HttpApiV2, RestApiV1
from adapters.aws_lambda.types import HttpOptions, Invocation, LambdaContext, Result, Shape, UnknownEvent
from portable_fn import EventRejected, Function, PortableFnError

_log = logging.getLogger("adapters.aws_lambda")

HTTP_SHAPES: tuple[Shape, ...] = (FunctionUrl(), HttpApiV2(), AlbMultiValue(), AlbSingleValue(), RestApiV1())


@functools.cache
def record_sources() -> tuple[Shape, ...]:
    """The non-HTTP sources, imported on first use: with CloudEvents and the record helpers they cost
    an HTTP cold start ~1 ms it never needs."""
    from adapters.aws_lambda.sources import S3, CloudWatchLogs, DynamoDbStream, EventBridge, Kinesis, Sns, Sqs

    return (Sqs(), Sns(), S3(), DynamoDbStream(), Kinesis(), EventBridge(), CloudWatchLogs())


class ShapeOrder:
    """Every shape in matching order: the HTTP shapes, then ``record_sources()``, loaded only when a
    search gets past the HTTP shapes."""

    __slots__ = ()

    def __iter__(self) -> Iterator[Shape]:
        yield from HTTP_SHAPES
        yield from record_sources()


SHAPES: Iterable[Shape] = ShapeOrder()


def find_shape(event: object, shapes: Iterable[Shape] = SHAPES) -> Shape:
    """The first of ``shapes`` that matches ``event``. Raises UnknownEvent naming what was found."""
    if isinstance(event, dict):
        refuse_authorizer(event)
        for shape in shapes:
            if shape.matches(event):
                return shape
        found = f"an object with keys {sorted(event)[:8]}"
    else:
        found = f"a JSON {type(event).__name__}"
    supported = ", ".join(shape.name for shape in shapes)
    raise UnknownEvent(f"unrecognised Lambda event: got {found}; supported: {supported}")


def refuse_authorizer(event: dict[str, object]) -> None:
    """Raise UnknownEvent for an API Gateway Lambda authorizer event (REQUEST or TOKEN).

    A REQUEST authorizer event looks like a REST or HTTP API request, but API Gateway wants an
    IAM policy or ``isAuthorized`` back, not an HTTP response: running the guest on it would
    answer every authorization question with whatever a page request returns.
    """
    kind = event.get("type")
    if kind in ("REQUEST", "TOKEN") and ("methodArn" in event or "routeArn" in event):
        raise UnknownEvent(
            f"API Gateway {kind} authorizer events are not supported: portable_fn serves the API's requests,"
            " not its authorizer; attach this function as the integration and use another authorizer"
        )


def handle_event(
    function: Function,
    event: object,
    context: LambdaContext | None,
    options: HttpOptions | None = None,
    shapes: Iterable[Shape] = SHAPES,
) -> Result | None:
    """Run ``function`` for one Lambda event, as the first of ``shapes`` it matches, and return Lambda's result.

    The result is read-only here: each shape's own result type (``types.LambdaResult``) is where mypy
    checks the keys.

    HTTP shapes always return a result (400 for a malformed event, 500 after logging an
    unexpected error). Non-HTTP sources raise UnknownEvent/RequestError for a malformed event,
    RecordsFailed when the guest refused records of a source without partial batch responses,
    and EventRejected (so Lambda retries) after logging an unexpected error.
    """
    invocation = Invocation.from_context(context)
    shape = find_shape(event, shapes)
    assert isinstance(event, dict)  # find_shape only matches dicts
    try:
        return shape.invoke(function, event, invocation, options or HttpOptions())
    except PortableFnError:
        raise
    except Exception as exc:
        # The last-resort boundary: a bug of ours never reaches the Lambda runtime raw.
        _log.exception("unexpected error handling a %s event [request %s]", shape.name, invocation.request_id)
        raise EventRejected(f"{shape.name} event: internal error in portable_fn; Lambda will retry") from exc
