"""WAGI, CGI over WASI: how a Request becomes argv/env/stdin and how stdout becomes a Response.

Compatible with the WAGI specification and Spin's ``wagi`` executor, with two deliberate
differences: ``CONTENT_TYPE`` is set (WAGI leaves it empty by a bug) and repeated
response headers are kept in order (WAGI and Spin keep one value per name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote_to_bytes

from portable_fn.engine import Invocation
from portable_fn.errors import BadGuestOutput, RequestError
from portable_fn.http import Request, Response
from portable_fn.limits import Grants

SERVER_SOFTWARE = "portable_fn/0.1"
# WAGI never hands these to a guest: credentials and hop-by-hop state. Content-Length and
# Content-Type already are CONTENT_LENGTH/CONTENT_TYPE (RFC 3875 4.1.18), and not every
# provider's event carries Content-Length: leaving it out keeps every adapter alike.
# Proxy would become HTTP_PROXY, which HTTP clients read as their proxy (httpoxy);
# Proxy-Authorization is the client's credential for a proxy, never for the guest.
_WITHHELD_HEADERS = frozenset(
    {"authorization", "connection", "content-length", "content-type", "proxy", "proxy-authorization"}
)
# RFC 9110 6.4.1: these responses carry no content, whatever the guest wrote after its headers.
_NO_BODY_STATUSES = frozenset({204, 304})
_STATUS_CODE = re.compile(r"[2-5][0-9][0-9]")
_HEADER_NAME = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_ENV_HEADER_NAME = re.compile(r"[0-9A-Za-z-]+")


def to_invocation(request: Request, grants: Grants) -> Invocation:
    """Encode a request as a CGI invocation.

    Raises RequestError for a path with NUL bytes, or text no byte string can carry (a lone
    surrogate, which a JSON event can hold).
    """
    try:
        argv = [_to_bytes(request.script_name or "/")]
        if request.query:
            argv += [_to_bytes(item) for item in request.query.split("&")]
        # The request's own variables win over granted ones of the same name.
        env: dict[str, str | bytes] = {**dict(grants.env), **_cgi_environment(request, grants)}
        encoded = {name.encode(): _to_bytes(value) for name, value in env.items()}
    except UnicodeEncodeError as exc:
        raise RequestError(f"request text is not valid Unicode ({exc.reason}: {exc.object!r:.60})") from exc
    if not _is_utf8(argv) or not _is_utf8(encoded.values()):
        # wasmtime takes argv and environment only as UTF-8 and silently drops a value that is not,
        # with every value after it: replace what is not UTF-8 by U+FFFD, as WAGI decodes PATH_INFO.
        # The exact bytes stay reachable: X_RAW_PATH_INFO and QUERY_STRING keep their percent-escapes.
        argv = [_lossy(item) for item in argv]
        encoded = {name: _lossy(value) for name, value in encoded.items()}
    return Invocation(argv, encoded, request.body, grants.dirs)


def _to_bytes(value: str | bytes) -> bytes:
    # surrogateescape gives back the exact bytes a server decoded leniently.
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")


def _is_utf8(values: Iterable[bytes]) -> bool:
    # One decode of the joined values keeps the common, all-UTF-8 case cheap.
    try:
        b"".join(values).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _lossy(value: bytes) -> bytes:
    return value.decode("utf-8", "replace").encode("utf-8")


def _cgi_environment(request: Request, grants: Grants) -> dict[str, str | bytes]:
    path_info = unquote_to_bytes(request.path)
    if b"\0" in path_info:
        raise RequestError(f"request path {request.path!r} decodes to a NUL byte, which CGI cannot carry")
    host = request.header("host") or f"{request.server_name}:{request.server_port}"
    server_name, _, port = host.partition(":")
    port = port or str(request.server_port)
    full_path = request.script_name + request.path + (f"?{request.query}" if request.query else "")
    env: dict[str, str | bytes] = {
        "AUTH_TYPE": "",
        "CONTENT_LENGTH": str(len(request.body)),
        "CONTENT_TYPE": request.header("content-type") or "",
        "GATEWAY_INTERFACE": "CGI/1.1",
        "PATH_INFO": path_info,
        "PATH_TRANSLATED": path_info,
        "QUERY_STRING": request.query,
        "REMOTE_ADDR": request.remote_addr,
        "REMOTE_HOST": request.remote_addr,
        "REMOTE_USER": "",
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": request.script_name,
        "SERVER_NAME": server_name,
        "SERVER_PORT": port,
        "SERVER_PROTOCOL": request.protocol,
        "SERVER_SOFTWARE": SERVER_SOFTWARE,
        "X_FULL_URL": f"{request.scheme}://{host}{full_path}",
        "X_MATCHED_ROUTE": f"{request.script_name}/...",
        "X_RAW_PATH_INFO": request.path,
    }
    for name, value in _guest_headers(request, grants):
        key = "HTTP_" + name.upper().replace("-", "_")
        previous = env.get(key)
        separator = "; " if key == "HTTP_COOKIE" else ", "
        env[key] = value if previous is None else f"{previous!s}{separator}{value}"
    return env


def _guest_headers(request: Request, grants: Grants) -> list[tuple[str, str]]:
    withheld = _WITHHELD_HEADERS - ({"authorization"} if grants.authorization else set())
    # Names with "_" would collide with their "-" twin once upper-snaked: drop them, as nginx does.
    return [
        (name, value)
        for name, value in request.headers
        if name.lower() not in withheld and _ENV_HEADER_NAME.fullmatch(name) and "\0" not in value
    ]


def parse_output(stdout: bytes) -> Response:
    """Decode CGI output: header lines, a blank line (LF or CRLF), then the body, bytes exact.

    A 204 or 304 response gets no body: this is the one place every path's guest response is
    made, so no server or adapter can send one. Raises BadGuestOutput when the header block is
    missing or malformed, or the status is not a final (2xx-5xx) ASCII code.
    """
    headers, body = _split_header_block(stdout)
    status: int | None = None
    kept: list[tuple[str, str]] = []
    for line in headers:
        name, value = _parse_header_line(line)
        if name.lower() == "status":
            status = _parse_status(value)
        else:
            kept.append((name, value))
    names = {name.lower() for name, _ in kept}
    if status is None and not names & {"content-type", "location"}:
        raise BadGuestOutput("guest output has no Content-Type, Status or Location header")
    if status is None:
        status = 302 if "location" in names else 200
    if status in _NO_BODY_STATUSES:
        body = b""
    return Response(status, tuple(kept), body)


def _split_header_block(stdout: bytes) -> tuple[list[bytes], bytes]:
    lines: list[bytes] = []
    position = 0
    while True:
        end = stdout.find(b"\n", position)
        if end < 0:
            raise BadGuestOutput("guest output has no header block: expected header lines, a blank line, then the body")
        line = stdout[position:end]
        position = end + 1
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line:
            if not lines:
                raise BadGuestOutput("guest output starts with a blank line: expected header lines first")
            return lines, stdout[position:]
        lines.append(line)


def _parse_header_line(line: bytes) -> tuple[str, str]:
    name, colon, value = line.partition(b":")
    if not colon or not _HEADER_NAME.fullmatch(name):
        raise BadGuestOutput(f"guest output has a malformed header line: {line[:80]!r}")
    value = value.strip(b" \t")
    if any((byte < 0x20 and byte != 0x09) or byte == 0x7F for byte in value):
        raise BadGuestOutput(f"guest header {name.decode()} has a control character (CR/LF injection?)")
    return name.decode("ascii"), value.decode("latin-1")


def _parse_status(value: str) -> int:
    # ASCII digits only (str.isdigit() takes superscripts), and a final status: a 1xx
    # would tell the client that another response follows.
    code = value.split(" ", 1)[0]
    if not _STATUS_CODE.fullmatch(code):
        raise BadGuestOutput(f"guest Status header {value!r} is not a 3-digit final status between 200 and 599")
    return int(code)
