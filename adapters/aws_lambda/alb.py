"""Application Load Balancer target events, single-value and multi-value header modes.

ALB passes the path and the query values exactly as the client sent them (still
percent-encoded), so they are joined back, never encoded again.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import ClassVar

from adapters.aws_lambda.http_event import (
    HttpShape,
    encode_body,
    header_map,
    make_request,
    multi_pairs,
    normalize_path,
    read_body,
)
from adapters.aws_lambda.types import AlbResult, Event, HttpOptions
from portable_fn import Request, Response, status_line


class AlbMultiValue(HttpShape[AlbResult]):
    """ALB with multi-value headers enabled: ``multiValueHeaders`` and multi-value query both ways."""

    name = "ALB (multi-value headers)"
    multi: ClassVar[bool] = True

    def matches(self, event: Event) -> bool:
        context = event.get("requestContext")
        return isinstance(context, dict) and "elb" in context and ("multiValueHeaders" in event) is self.multi

    def to_request(self, event: Event, request_id: str) -> Request:
        if self.multi:
            headers = multi_pairs(None, event.get("multiValueHeaders"))
            query = multi_pairs(None, event.get("multiValueQueryStringParameters"))
        else:
            headers = multi_pairs(event.get("headers"), None)
            query = multi_pairs(event.get("queryStringParameters"), None)
        return make_request(
            request_id,
            method=event.get("httpMethod"),
            path=normalize_path(event.get("path")),
            query="&".join(f"{name}={value}" for name, value in query),
            headers=headers,
            body=read_body(event),
            remote_addr=appended_client(headers),
        )

    def to_result(self, response: Response, options: HttpOptions) -> AlbResult:
        body, is_base64 = encode_body(response, options)
        result: AlbResult = {
            "statusCode": response.status,
            "statusDescription": status_line(response.status),
            "body": body,
            "isBase64Encoded": is_base64,
        }
        headers = header_map(response.headers)
        if self.multi:
            result["multiValueHeaders"] = headers
        else:
            result["headers"] = dict(single_value_headers(headers))
        return result


class AlbSingleValue(AlbMultiValue):
    """ALB without multi-value headers: one value per name each way.

    Repeated response headers are comma-joined, except Set-Cookie (commas are part of
    cookie dates): each cookie goes under a differently-cased ``set-cookie`` name, which
    HTTP treats as the same header, so none is lost.
    """

    name = "ALB (single-value headers)"
    multi = False


def appended_client(headers: list[tuple[str, str]]) -> str:
    """The address ALB appended to ``X-Forwarded-For``: its last entry, or empty.

    Earlier entries are whatever the client wrote into the header, so they are not trusted.
    """
    values = [value for name, value in headers if name.lower() == "x-forwarded-for"]
    return ",".join(values).rsplit(",", 1)[-1].strip()


def single_value_headers(headers: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    """Flatten grouped headers to one value per JSON key, keeping every Set-Cookie apart."""
    for name, values in headers.items():
        if name.lower() != "set-cookie":
            yield name, ",".join(values)
            continue
        yield from zip(case_variants(name), values, strict=False)


def case_variants(name: str) -> Iterator[str]:
    """``name`` first, then its other upper/lower-case spellings (2**letters of them)."""
    yield name
    choices = [(char.lower(), char.upper()) if char.isalpha() else (char,) for char in name]
    for spelling in product(*choices):
        candidate = "".join(spelling)
        if candidate != name:
            yield candidate
