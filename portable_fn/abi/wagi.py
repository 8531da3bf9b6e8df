"""WAGI, CGI over WASI: how a Request becomes argv/env/stdin and how stdout becomes a Response.

Compatible with the WAGI specification and Spin's ``wagi`` executor, with two deliberate
differences: ``CONTENT_TYPE`` is set (WAGI leaves it empty by a bug) and repeated
response headers are kept in order (WAGI and Spin keep one value per name).
"""

from __future__ import annotations

import functools
import re
from urllib.parse import unquote_to_bytes

from portable_fn.engine import Invocation
from portable_fn.errors import BadGuestOutput, ConfigError, RequestError
from portable_fn.http import Headers, Request, Response
from portable_fn.limits import Grants

SERVER_SOFTWARE = "portable_fn/0.1"
_SERVER_SOFTWARE = SERVER_SOFTWARE.encode()
# Distinct header names remembered with their variable: far more than real clients send.
_HEADER_NAMES_CACHED = 512
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
# Without a Status header, one of these must say what the answer is.
_ANSWER_HEADERS = frozenset({"content-type", "location"})
_STATUS_CODE = re.compile(r"[2-5][0-9][0-9]")
_HEADER_NAME = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_ENV_HEADER_NAME = re.compile(r"[0-9A-Za-z-]+")
_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")  # HTAB is the one control byte a value may hold


class Gateway:
    """Encodes requests as CGI invocations for one set of grants (a Function builds one at load).

    What does not change between requests is encoded once: the granted variables, and each header
    name's ``HTTP_*`` variable (a bounded cache, so hostile names cannot grow it without end).
    """

    __slots__ = ("_dirs", "_env_key", "_granted")

    def __init__(self, grants: Grants) -> None:
        """Raises ConfigError for a granted variable no byte string can carry (a lone surrogate)."""
        try:
            self._granted = {_to_bytes(name): _to_bytes(value) for name, value in grants.env}
        except UnicodeEncodeError as exc:
            raise ConfigError(f"granted env var text is not valid Unicode ({exc.reason}: {exc.object!r:.60})") from exc
        withheld = _WITHHELD_HEADERS - ({"authorization"} if grants.authorization else set())
        self._env_key = functools.lru_cache(maxsize=_HEADER_NAMES_CACHED)(functools.partial(_env_key, withheld))
        self._dirs = grants.dirs

    def invocation(self, request: Request) -> Invocation:
        """Encode a request as a CGI invocation.

        Raises RequestError for a path with NUL bytes, or text no byte string can carry (a lone
        surrogate, which a JSON event can hold).
        """
        try:
            query = request.query.encode("utf-8", "surrogateescape")
            argv = [_to_bytes(request.script_name or "/")]
            if query:
                argv += query.split(b"&")
            env = self._environment(request, query)
        except UnicodeEncodeError as exc:
            raise RequestError(f"request text is not valid Unicode ({exc.reason}: {exc.object!r:.60})") from exc
        if not _is_utf8([*argv, *env.values()]):
            # wasmtime takes argv and environment only as UTF-8 and silently drops a value that is not,
            # with every value after it: replace what is not UTF-8 by U+FFFD, as WAGI decodes PATH_INFO.
            # The exact bytes stay reachable: X_RAW_PATH_INFO and QUERY_STRING keep their percent-escapes.
            argv = [_lossy(item) for item in argv]
            env = {name: _lossy(value) for name, value in env.items()}
        return Invocation(argv, env, request.body, self._dirs)

    def _environment(self, request: Request, query: bytes) -> dict[bytes, bytes]:
        path_info = unquote_to_bytes(request.path)
        if b"\0" in path_info:
            raise RequestError(f"request path {request.path!r} decodes to a NUL byte, which CGI cannot carry")
        host = request.header("host") or f"{request.server_name}:{request.server_port}"
        server_name, _, port = host.partition(":")
        script_name = _to_bytes(request.script_name)
        raw_path = _to_bytes(request.path)
        full_path = script_name + raw_path + (b"?" + query if query else b"")
        remote_addr = _to_bytes(request.remote_addr)
        # The request's own variables win over granted ones of the same name.
        return {
            **self._granted,
            b"AUTH_TYPE": b"",
            b"CONTENT_LENGTH": str(len(request.body)).encode(),
            b"CONTENT_TYPE": _to_bytes(request.header("content-type") or ""),
            b"GATEWAY_INTERFACE": b"CGI/1.1",
            b"PATH_INFO": path_info,
            b"PATH_TRANSLATED": path_info,
            b"QUERY_STRING": query,
            b"REMOTE_ADDR": remote_addr,
            b"REMOTE_HOST": remote_addr,
            b"REMOTE_USER": b"",
            b"REQUEST_METHOD": _to_bytes(request.method),
            b"SCRIPT_NAME": script_name,
            b"SERVER_NAME": _to_bytes(server_name),
            b"SERVER_PORT": _to_bytes(port or str(request.server_port)),
            b"SERVER_PROTOCOL": _to_bytes(request.protocol),
            b"SERVER_SOFTWARE": _SERVER_SOFTWARE,
            b"X_FULL_URL": _to_bytes(f"{request.scheme}://{host}") + full_path,
            b"X_MATCHED_ROUTE": script_name + b"/...",
            b"X_RAW_PATH_INFO": raw_path,
            **self._header_variables(request.headers),
        }

    def _header_variables(self, headers: Headers) -> dict[bytes, bytes]:
        variables: dict[bytes, bytes] = {}
        for name, value in headers:
            key = self._env_key(name)
            if key is None or "\0" in value:
                continue
            encoded = _to_bytes(value)
            previous = variables.get(key)
            separator = b"; " if key == b"HTTP_COOKIE" else b", "
            variables[key] = encoded if previous is None else previous + separator + encoded
        return variables


def _env_key(withheld: frozenset[str], name: str) -> bytes | None:
    """The ``HTTP_*`` variable for header ``name``, or None when the guest never sees that header."""
    # Names with "_" would collide with their "-" twin once upper-snaked: drop them, as nginx does.
    if name.lower() in withheld or not _ENV_HEADER_NAME.fullmatch(name):
        return None
    return b"HTTP_" + name.upper().replace("-", "_").encode("ascii")


def _to_bytes(value: str) -> bytes:
    # surrogateescape gives back the exact bytes a server decoded leniently.
    return value.encode("utf-8", "surrogateescape")


def _is_utf8(values: list[bytes]) -> bool:
    # One decode of the joined values keeps the common, all-UTF-8 case cheap.
    try:
        b"".join(values).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _lossy(value: bytes) -> bytes:
    return value.decode("utf-8", "replace").encode("utf-8")


def parse_output(stdout: bytes) -> Response:
    """Decode CGI output: header lines, a blank line (LF or CRLF), then the body, bytes exact.

    A 204 or 304 response gets no body: this is the one place every path's guest response is
    made, so no server or adapter can send one. Raises BadGuestOutput when the header block is
    missing or malformed, or the status is not a final (2xx-5xx) ASCII code.
    """
    headers, body = _split_header_block(stdout)
    status: int | None = None
    kept: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line in headers:
        name, value = _parse_header_line(line)
        lowered = name.lower()
        if lowered == "status":
            status = _parse_status(value)
        else:
            kept.append((name, value))
            seen.add(lowered)
    if status is None and seen.isdisjoint(_ANSWER_HEADERS):
        raise BadGuestOutput("guest output has no Content-Type, Status or Location header")
    if status is None:
        status = 302 if "location" in seen else 200
    if status in _NO_BODY_STATUSES:
        body = b""
    return Response(status, tuple(kept), body)


def _split_header_block(stdout: bytes) -> tuple[list[bytes], bytes]:
    # The block ends at the first blank line: an LF, or a CRLF, right after a line's LF.
    if stdout.startswith((b"\n", b"\r\n")):
        raise BadGuestOutput("guest output starts with a blank line: expected header lines first")
    end, length = stdout.find(b"\n\n"), 2
    # A CRLF blank line counts only before the first LF one.
    crlf = stdout.find(b"\n\r\n", 0, len(stdout) if end < 0 else end + 2)
    if crlf >= 0:
        end, length = crlf, 3
    if end < 0:
        raise BadGuestOutput("guest output has no header block: expected header lines, a blank line, then the body")
    lines = stdout[:end].split(b"\n")
    return [line[:-1] if line.endswith(b"\r") else line for line in lines], stdout[end + length :]


def _parse_header_line(line: bytes) -> tuple[str, str]:
    name, colon, value = line.partition(b":")
    if not colon or not _HEADER_NAME.fullmatch(name):
        raise BadGuestOutput(f"guest output has a malformed header line: {line[:80]!r}")
    value = value.strip(b" \t")
    if _CONTROL_BYTE.search(value):
        raise BadGuestOutput(f"guest header {name.decode()} has a control character (CR/LF injection?)")
    return name.decode("ascii"), value.decode("latin-1")


def _parse_status(value: str) -> int:
    # ASCII digits only (str.isdigit() takes superscripts), and a final status: a 1xx
    # would tell the client that another response follows.
    code = value.split(" ", 1)[0]
    if not _STATUS_CODE.fullmatch(code):
        raise BadGuestOutput(f"guest Status header {value!r} is not a 3-digit final status between 200 and 599")
    return int(code)
