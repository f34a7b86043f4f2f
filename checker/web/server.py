"""``mtus serve``: the local web check and the CDS Hooks services, on the standard library's HTTP server.

Routes: ``GET /`` the form (``?case=TOKEN`` pre-fills it), ``POST /check`` the result page, ``POST /rfa`` the
RFA statement, ``POST /extract`` a pasted note read into the form; ``GET /cds-services`` discovery and
``POST /cds-services/{id}`` the hooks (with CORS, as EHR sandboxes call from the browser).

Clinical data stays on the machine: nothing is written to disk or logged (the access log prints the method,
path and status only, never a query string), and no outbound call is made unless a hook request names a
``fhirServer``.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from checker.rules.ruleset import RuleSet

__all__ = ["make_server", "serve", "fetch_fhir", "MAX_BODY"]

MAX_BODY = 5 * 1024 * 1024


def fetch_fhir(server: str, query: str, token: str | None) -> Any:
    """GET ``query`` from the request's FHIR server (the only outbound call); None when it fails."""
    import urllib.request

    url = server.rstrip("/") + "/" + urllib.parse.quote(query.lstrip("/"), safe="/?&=:|,-_.*$")
    headers = {"Accept": "application/fhir+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as answer:  # noqa: S310
            return json.loads(answer.read(MAX_BODY).decode("utf-8"))
    except (OSError, ValueError, http.client.HTTPException):
        return None


class Handler(BaseHTTPRequestHandler):
    """One request: routes to the CDS services or the web check."""

    server_version = "mtus-checker"
    ruleset: RuleSet
    quiet = False

    # -- plumbing ---------------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if not self.quiet:
            path = self.path.split("?", 1)[0]
            sys.stderr.write(f"{self.command} {path} {args[1] if len(args) > 1 else ''}\n")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if self.path.startswith("/cds-services"):
            self.send_header("Access-Control-Allow-Origin", "*")
        else:
            self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                             "script-src 'unsafe-inline'; form-action 'self'; img-src data:")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, document: Any) -> None:
        self._send(status, json.dumps(document, ensure_ascii=False).encode("utf-8"), "application/json")

    def _html(self, status: int, page: str) -> None:
        self._send(status, page.encode("utf-8"), "text/html; charset=utf-8")

    def _body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE if length > 0 else HTTPStatus.BAD_REQUEST,
                        "the request body is missing its length or larger than 5 MB")
            return None
        return self.rfile.read(length)

    def _error(self, status: int, message: str) -> None:
        if self.path.startswith("/cds-services"):
            self._json(status, {"error": message})
        else:
            from checker.web.pages import error_page

            self._html(status, error_page(status, message))

    def _base(self) -> str:
        host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        return f"http://{host}"

    # -- methods ----------------------------------------------------------------------------------

    def do_OPTIONS(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        self._guard(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._guard(self._get)

    def do_POST(self) -> None:  # noqa: N802
        self._guard(self._post)

    def _guard(self, action: Any) -> None:
        try:
            action()
        except Exception as exc:  # a bug must still answer, in the route's format, and keep the server up
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {type(exc).__name__}")

    def _get(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/cds-services", "/cds-services/"):
            from checker.web.cds import discovery

            self._json(HTTPStatus.OK, discovery())
        elif url.path == "/":
            from checker.web.pages import form_page

            query = urllib.parse.parse_qs(url.query)
            self._html(HTTPStatus.OK, form_page(token=(query.get("case") or [None])[0]))
        elif url.path.startswith("/cds-services/"):
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "a CDS service is called with POST")
        else:
            self._error(HTTPStatus.NOT_FOUND, f"no page {url.path}")

    def _post(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        body = self._body()
        if body is None:
            return
        if url.path.startswith("/cds-services/"):
            from checker.web.cds import HookError, handle_hook

            try:
                answer = handle_hook(url.path.removeprefix("/cds-services/").strip("/"), body, self.ruleset,
                                     self._base(), fetch_fhir)
            except HookError as exc:
                self._json(exc.status, {"error": exc.message})
                return
            self._json(HTTPStatus.OK, answer)
            return
        from checker.web import pages

        route = {"/check": pages.check_page, "/rfa": pages.rfa_page, "/extract": pages.extract_page}.get(url.path)
        if route is None:
            self._error(HTTPStatus.NOT_FOUND, f"no page {url.path}")
            return
        try:
            form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            self._error(HTTPStatus.BAD_REQUEST, "the form is not UTF-8")
            return
        status, page = route(form, self.ruleset)
        self._html(status, page)


def make_server(host: str = "127.0.0.1", port: int = 8000, ruleset: RuleSet | None = None,
                quiet: bool = False) -> ThreadingHTTPServer:
    """A server bound to ``host:port`` (port 0: any free port) with the rules loaded."""
    if ruleset is None:
        from checker.rules.ruleset import load_rules

        ruleset, _ = load_rules()
    handler = type("BoundHandler", (Handler,), {"ruleset": ruleset, "quiet": quiet})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def _warm_up() -> None:
    """Import what the first requests need (the FHIR models, the note reader) after start-up, not before."""
    try:
        import checker.ingest.fhir as fhir
        import checker.web.pages  # noqa: F401

        for kind in ("Bundle", "MedicationRequest", "ServiceRequest", "Patient", "Condition", "Observation",
                     "Procedure", "MedicationStatement"):
            fhir._model(kind)
        import checker.ingest.note  # noqa: F401
    except Exception:  # noqa: BLE001 - warming is best effort; a request reports the real error
        pass


def serve(host: str = "127.0.0.1", port: int = 8000, ready: Any = None) -> None:
    """Run until interrupted; ``ready(url)`` is called once the socket listens."""
    server = make_server(host, port)
    url = f"http://{host}:{server.server_address[1]}"
    threading.Thread(target=_warm_up, daemon=True).start()
    if ready is not None:
        ready(url)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
