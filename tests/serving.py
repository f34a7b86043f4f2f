"""Run `python -m checker serve` as a real process on 127.0.0.1 for the tests, and a stub FHIR server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from conftest import ROOT


@contextmanager
def running_server() -> Iterator[str]:
    """`mtus serve --port 0` in its own process; yields its base URL, stops it afterwards."""
    process = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--host", "127.0.0.1", "--port", "0"],
                               cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 60
        url = None
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line and process.poll() is not None:
                raise RuntimeError(f"mtus serve exited with {process.returncode}")
            m = re.search(r"web check (http://127\.0\.0\.1:\d+)/", line)
            url = m.group(1) if m else None
        assert url, "mtus serve did not say where it listens"
        threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()  # drain the log
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def call(url: str, body: Any = None, method: str | None = None, raw: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request: (status, headers, body), error statuses included."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method or ("POST" if data is not None else "GET"),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@contextmanager
def stub_fhir_server(resources: dict[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """A FHIR server on 127.0.0.1 answering GET <type>... with ``resources[type]``; yields (URL, paths asked)."""
    asked: list[str] = []

    class Stub(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            asked.append(self.path)
            kind = self.path.removeprefix("/fhir/").split("?")[0].split("/")[0]
            body = json.dumps(resources.get(kind) or {"resourceType": "Bundle", "type": "searchset"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/fhir+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/fhir", asked
    finally:
        server.shutdown()
        server.server_close()
