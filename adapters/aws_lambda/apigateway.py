"""API Gateway REST (payload 1.0), HTTP API (payload 2.0) and Lambda Function URL events."""

from __future__ import annotations

from adapters.aws_lambda.fields import table
from adapters.aws_lambda.http_event import (
    HttpShape,
    encode_body,
    encode_query,
    field,
    header_map,
    make_request,
    multi_pairs,
    normalize_path,
    read_body,
)
from adapters.aws_lambda.types import Event, HttpOptions, HttpV2Result, RestResult
from portable_fn import Request, RequestError, Response


class RestApiV1(HttpShape[RestResult]):
    """API Gateway REST API proxy integration, payload 1.0, with or without ``multiValue*`` fields.

    REST has no raw query string: it is rebuilt from the decoded parameters, re-encoded.
    When the client called the stage URL (``requestContext.path`` = ``/{stage}{path}``),
    the stage becomes SCRIPT_NAME.
    """

    name = "API Gateway REST (v1)"

    def matches(self, event: Event) -> bool:
        return "httpMethod" in event and field(event, "requestContext", "elb") is None

    def to_request(self, event: Event, request_id: str) -> Request:
        path = normalize_path(event.get("path"))
        context = table(event, "requestContext", required=False)
        stage_path = context.get("path")
        stage = context.get("stage")
        script_name = ""
        if isinstance(stage_path, str) and isinstance(stage, str) and stage_path == f"/{stage}{event['path']}":
            script_name = f"/{stage}"
        return make_request(
            request_id,
            method=event.get("httpMethod"),
            path=path,
            query=encode_query(
                multi_pairs(event.get("queryStringParameters"), event.get("multiValueQueryStringParameters"))
            ),
            headers=multi_pairs(event.get("headers"), event.get("multiValueHeaders")),
            body=read_body(event),
            script_name=script_name,
            remote_addr=field(context, "identity", "sourceIp"),
            protocol=context.get("protocol"),
            domain=context.get("domainName"),
        )

    def to_result(self, response: Response, options: HttpOptions) -> RestResult:
        body, is_base64 = encode_body(response, options)
        return {
            "statusCode": response.status,
            "multiValueHeaders": header_map(response.headers),
            "body": body,
            "isBase64Encoded": is_base64,
        }


class HttpApiV2(HttpShape[HttpV2Result]):
    """API Gateway HTTP API, payload 2.0: ``rawPath``/``rawQueryString``, ``cookies`` lists both ways.

    A named stage (not ``$default``) prefixes ``rawPath`` and becomes SCRIPT_NAME.
    """

    name = "API Gateway HTTP API (v2)"

    def matches(self, event: Event) -> bool:
        return event.get("version") == "2.0" and "rawPath" in event

    def to_request(self, event: Event, request_id: str) -> Request:
        path = normalize_path(event.get("rawPath"))
        context = table(event, "requestContext", required=False)
        script_name = self.stage_prefix(path, context.get("stage"))
        query = event.get("rawQueryString") or ""
        if not isinstance(query, str):
            raise RequestError(f"event field 'rawQueryString' must be a string, got {query!r}")
        headers = multi_pairs(event.get("headers"), None)
        cookies = event.get("cookies")
        if cookies is not None and not isinstance(cookies, list):
            raise RequestError(f"event field 'cookies' must be a list or null, got a {type(cookies).__name__}")
        # API Gateway moves the Cookie header into cookies[]; Function URLs may send both.
        if cookies and not any(name.lower() == "cookie" for name, _ in headers):
            headers.append(("cookie", "; ".join(str(cookie) for cookie in cookies)))
        return make_request(
            request_id,
            method=field(context, "http", "method"),
            path=path[len(script_name) :] or "/",
            query=query,
            headers=headers,
            body=read_body(event),
            script_name=script_name,
            remote_addr=field(context, "http", "sourceIp"),
            protocol=field(context, "http", "protocol"),
            domain=context.get("domainName"),
        )

    @staticmethod
    def stage_prefix(path: str, stage: object) -> str:
        """``/{stage}`` when a named stage prefixes ``path``, else empty."""
        if not isinstance(stage, str) or stage in ("", "$default"):
            return ""
        prefix = f"/{stage}"
        return prefix if path == prefix or path.startswith(prefix + "/") else ""

    def to_result(self, response: Response, options: HttpOptions) -> HttpV2Result:
        body, is_base64 = encode_body(response, options)
        headers = header_map(response.headers)
        cookies = next((headers.pop(name) for name in list(headers) if name.lower() == "set-cookie"), [])
        return {
            "statusCode": response.status,
            "headers": {name: ",".join(values) for name, values in headers.items()},
            "cookies": cookies,
            "body": body,
            "isBase64Encoded": is_base64,
        }


class FunctionUrl(HttpApiV2):
    """Lambda Function URL: payload 2.0 served from a ``*.lambda-url.<region>.on.aws`` domain."""

    name = "Lambda Function URL"

    def matches(self, event: Event) -> bool:
        domain = field(event, "requestContext", "domainName")
        return super().matches(event) and isinstance(domain, str) and ".lambda-url." in domain

    @staticmethod
    def stage_prefix(path: str, stage: object) -> str:
        return ""  # Function URLs have no stages; never strip a path segment
