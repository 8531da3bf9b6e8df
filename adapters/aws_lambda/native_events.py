"""Build each HTTP shape's native Lambda event from a local Request, as AWS would send it.

Used by ``emulate.py`` so a local request travels the exact cloud code path. Fields
follow AWS's documented payloads: REST decodes the query into (multi-value) maps, HTTP
API and Function URLs keep ``rawPath``/``rawQueryString`` and lower-case, comma-joined
headers, ALB keeps query values still percent-encoded.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from adapters.aws_lambda.http_event import header_map
from adapters.aws_lambda.types import Event, HttpOptions
from portable_fn import Request

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
TARGET_GROUP = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:targetgroup/local/0"
EventBuilder = Callable[[Request, str, HttpOptions], Event]


def rest_event(request: Request, request_id: str, options: HttpOptions) -> Event:
    """API Gateway REST payload 1.0, as through a custom domain (no stage in the path)."""
    headers = _forwarded(request)
    query = parse_qsl(request.query, keep_blank_values=True)
    multi_query: dict[str, list[str]] = {}
    for name, value in query:
        multi_query.setdefault(name, []).append(value)
    grouped = header_map(headers)
    return {
        "resource": "/{proxy+}",
        "path": request.path,
        "httpMethod": request.method,
        "headers": {name: values[-1] for name, values in grouped.items()} or None,
        "multiValueHeaders": grouped or None,
        "queryStringParameters": {name: values[-1] for name, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": request.path[1:]} if request.path != "/" else None,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": "local",
            "domainName": request.header("host") or request.server_name,
            "httpMethod": request.method,
            "identity": {"sourceIp": request.remote_addr, "userAgent": request.header("user-agent")},
            "path": request.path,
            "protocol": request.protocol,
            "requestId": request_id,
            "requestTimeEpoch": int(time.time() * 1000),
            "resourcePath": "/{proxy+}",
            "stage": "local",
        },
        **_body_fields(request, options),
    }


def http_api_event(request: Request, request_id: str, options: HttpOptions) -> Event:
    """HTTP API payload 2.0 on the ``$default`` stage: the Cookie header moves to ``cookies``."""
    return _v2_event(request, request_id, options, f"local.execute-api.{REGION}.amazonaws.com", keep_cookie=False)


def function_url_event(request: Request, request_id: str, options: HttpOptions) -> Event:
    """Function URL payload 2.0: like HTTP API, but the Cookie header also stays (as captured ones show)."""
    return _v2_event(request, request_id, options, f"local.lambda-url.{REGION}.on.aws", keep_cookie=True)


def alb_event(request: Request, request_id: str, options: HttpOptions) -> Event:
    """ALB with multi-value headers: query values passed on still percent-encoded."""
    query: dict[str, list[str]] = {}
    for item in filter(None, request.query.split("&")):
        name, _, value = item.partition("=")
        query.setdefault(name, []).append(value)
    headers = header_map((name.lower(), value) for name, value in _forwarded(request))
    body = _body_fields(request, options)
    return {
        "requestContext": {
            "elb": {"targetGroupArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT_ID}:targetgroup/local/0"}
        },
        "httpMethod": request.method,
        "path": request.path,
        "multiValueQueryStringParameters": query,
        "multiValueHeaders": headers,
        "body": body.get("body", ""),
        "isBase64Encoded": body["isBase64Encoded"],
    }


def _v2_event(request: Request, request_id: str, options: HttpOptions, domain: str, *, keep_cookie: bool) -> Event:
    grouped = header_map((name.lower(), value) for name, value in _forwarded(request))
    cookies = [part.strip() for value in grouped.get("cookie", []) for part in value.split(";") if part.strip()]
    if not keep_cookie:
        grouped.pop("cookie", None)
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(request.query, keep_blank_values=True):
        query.setdefault(name, []).append(value)
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": request.path,
        "rawQueryString": request.query,
        "headers": {name: ",".join(values) for name, values in grouped.items()},
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": "local",
            "domainName": domain,
            "domainPrefix": "local",
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": request.protocol,
                "sourceIp": request.remote_addr,
                "userAgent": request.header("user-agent") or "",
            },
            "requestId": request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        **_body_fields(request, options),
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = {name: ",".join(values) for name, values in query.items()}
    return event


def _forwarded(request: Request) -> list[tuple[str, str]]:
    """The request's headers plus the ``X-Forwarded-*`` ones AWS's front ends add."""
    headers = [(name, value) for name, value in request.headers if name.lower() != "x-forwarded-for"]
    sent_for = request.header("x-forwarded-for")
    headers.append(("X-Forwarded-For", f"{sent_for}, {request.remote_addr}" if sent_for else request.remote_addr))
    if request.header("x-forwarded-proto") is None:
        headers.append(("X-Forwarded-Proto", request.scheme))
    if request.header("x-forwarded-port") is None:
        headers.append(("X-Forwarded-Port", str(request.server_port)))
    return headers


def _body_fields(request: Request, options: HttpOptions) -> dict[str, Any]:
    """``body``/``isBase64Encoded`` as AWS sends them: text types as text, anything else base64."""
    if not request.body:
        return {"isBase64Encoded": False}
    if options.is_text(request.header("content-type")):
        try:
            return {"body": request.body.decode("utf-8"), "isBase64Encoded": False}
        except UnicodeDecodeError:
            pass
    return {"body": base64.b64encode(request.body).decode("ascii"), "isBase64Encoded": True}


BUILDERS: dict[str, EventBuilder] = {
    "aws-rest": rest_event,
    "aws-http": http_api_event,
    "aws-url": function_url_event,
    "aws-alb": alb_event,
}
