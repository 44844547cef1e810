"""Serve a built `Site` over real HTTP: one port, one loopback address per outlet.

Each outlet gets its own ``ThreadingHTTPServer`` bound to its address (127.0.0.1 for Just Earth News,
127.0.0.2… for the others), all on the same port, so every outlet is a separate host to a crawler.
Absolute URLs in the pages are built from the request's Host header.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

from replica.pages import OUTLET_HOSTS, StreamedBody
from replica.site import Site


class _Handler(BaseHTTPRequestHandler):
    server: _OutletServer
    protocol_version = "HTTP/1.1"
    server_version = "ReplicaCMS/1.0"
    sys_version = ""

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        resp = self.server.site.fetch(self.server.outlet, self.path, f"http://{host}")
        if resp.delay_seconds:
            time.sleep(resp.delay_seconds)
        if resp.reset:
            # Drop the connection with a TCP reset and no bytes at all.
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        self.send_response(resp.status)
        for key, value in resp.headers:
            self.send_header(key, value)
        if resp.stream is not None:
            self._send_stream(resp.stream, send_body)
            return
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if send_body and resp.body:
            self.wfile.write(resp.body)

    def _send_stream(self, stream: StreamedBody, send_body: bool) -> None:
        """A large body chunk by chunk, framed as the stream says (see `StreamedBody`)."""
        if stream.framing in ("length", "short"):
            self.send_header("Content-Length", str(len(stream) + stream.claimed_extra))
        elif stream.framing == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
        if stream.framing in ("close", "short"):
            # "close": the end of the body is the end of the connection; "short": hang up mid-body.
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not send_body:
            return
        try:
            for piece in stream.chunks():
                if stream.framing == "chunked":
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                else:
                    self.wfile.write(piece)
            if stream.framing == "chunked":
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            # The client stopped reading (its size limit): that is the point of these pages.
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:
            sys.stderr.write(f"[{self.server.outlet}] {self.address_string()} {format % args}\n")


class _OutletServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], site: Site, outlet: str, verbose: bool) -> None:
        self.site, self.outlet, self.verbose = site, outlet, verbose
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that hang up mid-answer (timeouts in tests) are normal here, not worth a traceback.
        if self.verbose:
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class ReplicaServer:
    """Serves every outlet of `site` on one port; use as a context manager or start()/stop()."""

    def __init__(self, site: Site, port: int = 0, verbose: bool = False,
                 hosts: dict[str, str] | None = None) -> None:
        self.site = site
        self.port = port
        self.verbose = verbose
        all_hosts = dict(hosts or OUTLET_HOSTS)
        extra = [o for o in site.outlets if o not in all_hosts]
        for n, outlet in enumerate(extra, start=len(all_hosts) + 1):
            all_hosts[outlet] = f"127.0.0.{n}"
        self.hosts = {o: all_hosts[o] for o in site.outlets}
        self._servers: list[_OutletServer] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> ReplicaServer:
        if self._servers:
            return self
        requested = self.port
        attempts = 50 if requested == 0 else 1
        last_error: OSError | None = None
        for _ in range(attempts):
            try:
                self._bind_all(requested)
                break
            except OSError as exc:  # the port was free on one address but not on another: try again
                last_error = exc
                self._close_servers()
        else:
            raise OSError(f"could not bind the replica on port {requested or 'any'}: {last_error}")
        for server in self._servers:
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                      name=f"replica-{server.outlet}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _bind_all(self, port: int) -> None:
        outlets = list(self.hosts)
        first = _OutletServer((self.hosts[outlets[0]], port), self.site, outlets[0], self.verbose)
        self._servers.append(first)
        self.port = first.server_address[1]
        for outlet in outlets[1:]:
            self._servers.append(_OutletServer((self.hosts[outlet], self.port), self.site, outlet, self.verbose))

    def _close_servers(self) -> None:
        for server in self._servers:
            server.server_close()
        self._servers = []

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
        for server in self._servers:
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def base_url(self, outlet: str) -> str:
        return f"http://{self.hosts[outlet]}:{self.port}"

    @property
    def base_urls(self) -> dict[str, str]:
        return {outlet: self.base_url(outlet) for outlet in self.hosts}

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
