"""Reading request heads: within limits, against a deadline, quietly when clients go.

:class:`HeadReader` is the preview's request handler without the answers: it reads each
request line and its header fields within :data:`MAX_REQUEST_LINE`,
:data:`MAX_HEADER_FIELDS` and :data:`MAX_HEADER_BYTES`, answers 414 or 431 past them (and
makes sure the answer reaches the client), gives the server's deadline a connection to
watch while it waits for a head, and lets a client that closes or resets mid-answer go
without a traceback. :mod:`thrustlib.serve.http` adds what is answered.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import time
from http import HTTPStatus
from http.client import HTTPMessage
from http.server import BaseHTTPRequestHandler

from thrustlib.serve.connections import GONE, ConnectionServer

log = logging.getLogger(__name__)

MAX_REQUEST_LINE = 8 * 1024
"""Bytes of a request line, end of line included; a longer one is answered 414."""

MAX_HEADER_FIELDS = 100
"""Header fields of a request; more are answered 431."""

MAX_HEADER_BYTES = 32 * 1024
"""Bytes of a request's header fields together, end of lines included; more is 431."""

LINGER_SECONDS = 2.0
"""After an answer to a bad request head, how long the rest of the request is read and
dropped, so that closing does not reset the connection before the client reads it."""

_VERSION = re.compile(r"HTTP/(\d)\.(\d)")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""A header field name (RFC 9110 section 5.1)."""


class HeadReader(BaseHTTPRequestHandler):
    """A handler that reads request heads within the limits; subclasses add ``do_GET``..."""

    server: ConnectionServer
    # Seconds to wait for a whole request head, and for any one read or write.
    timeout = 30.0
    protocol_version = "HTTP/1.1"
    # The version an error answer assumes before the request line is understood: the
    # base class's HTTP/0.9 would send a body without a status line, and every client of
    # a preview speaks HTTP/1.x.
    default_request_version = "HTTP/1.0"
    # An answer goes out in one send when it fits the buffer, and nothing waits for the
    # client's delayed ACK: with Nagle's algorithm on, the body of every answer on a
    # kept-alive connection waited 40 ms for the ACK of its headers.
    wbufsize = 16 * 1024
    disable_nagle_algorithm = True

    # -- the connection -----------------------------------------------------------------

    def handle(self) -> None:
        try:
            super().handle()
        except GONE as exc:
            # The client closed or reset mid-answer, or stopped reading: nobody is left to
            # tell, and the thread is free to go.
            log.debug("%s went away: %s", self.client_address[0], exc)

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # what was left to send has nobody to go to
            super().finish()

    def handle_one_request(self) -> None:
        """Read one request head within the limits, then answer it."""
        if not self.server.awaiting(self.connection, self.timeout or 30.0):
            self.close_connection = True
            return
        try:
            parsed = self._read_head()
        finally:
            self.server.arrived(self.connection)
        if not parsed:
            self.close_connection = True
            self.wfile.flush()  # the error answer, if there is one
            return
        method = getattr(self, "do_" + self.command, None)
        if method is None:
            self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method ({self.command!r})")
        else:
            method()
        self.wfile.flush()

    def _read_head(self) -> bool:
        """Read and parse a request head; False when there is no request to answer (the
        client closed, or the head was answered with an error)."""
        line = self.rfile.readline(MAX_REQUEST_LINE + 1)
        if len(line) > MAX_REQUEST_LINE:
            self._refuse_head(line, HTTPStatus.REQUEST_URI_TOO_LONG, "Request line too long")
            return False
        if not line.endswith(b"\n"):
            return False  # closed before a whole line came
        self.raw_requestline = line
        fields: list[bytes] = []
        size = 0
        while True:
            field = self.rfile.readline(MAX_HEADER_BYTES - size + 1)
            size += len(field)
            if size > MAX_HEADER_BYTES:
                status = HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                self._refuse_head(line, status, "Request header fields too large")
                return False
            if not field.endswith(b"\n"):
                return False
            fields.append(field)
            if field in (b"\r\n", b"\n"):
                break
            if len(fields) > MAX_HEADER_FIELDS:
                status = HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                self._refuse_head(line, status, "Too many header fields")
                return False
        return self._parse(line, fields)

    def _parse(self, line: bytes, fields: list[bytes]) -> bool:
        """Parse a request line and its header fields; answers 400 or 505 when it cannot.

        The base class's ``parse_request`` hands the fields to the e-mail parser, which
        took longer than finding the answer in memory; a preview is only ever sent
        ``Name: value`` lines, and RFC 9112 says to reject anything else.
        """
        self.command = ""
        self.request_version = self.default_request_version
        self.close_connection = True
        self.requestline = line.decode("latin-1").rstrip("\r\n")
        words = self.requestline.split()
        version = _VERSION.fullmatch(words[2]) if len(words) == 3 else None
        if version is None:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({self.requestline!r})")
            return False
        if version[1] != "1":
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED)
            return False
        self.command, path, self.request_version = words
        # As the base class does: "//host/x" must not become a link to another site.
        self.path = "/" + path.lstrip("/") if path.startswith("//") else path
        headers = HTTPMessage()
        for field in fields[:-1]:
            name, colon, value = field.decode("latin-1").partition(":")
            if not colon or not _TOKEN.fullmatch(name):
                # A folded line, a name with spaces: reject rather than guess.
                self.send_error(HTTPStatus.BAD_REQUEST, "Bad header field")
                return False
            headers[name] = value.strip()
        self.headers = headers
        connection = headers.get("Connection", "").lower()
        if version[2] == "0":
            self.close_connection = connection != "keep-alive"
        else:
            self.close_connection = connection == "close"
        return True

    def _refuse_head(self, line: bytes, status: HTTPStatus, message: str) -> None:
        """Answer a request head over a limit, then drop the rest of it before closing."""
        self.requestline = line[:200].decode("latin-1").rstrip("\r\n")
        self.request_version = self.command = ""
        self.send_error(status, message)
        self.wfile.flush()
        # Closed with the rest of the request unread, the connection would be reset, and
        # the client could lose the answer before reading it.
        end = time.monotonic() + LINGER_SECONDS
        try:
            self.connection.shutdown(socket.SHUT_WR)
            while (left := end - time.monotonic()) > 0:
                self.connection.settimeout(left)
                if not self.connection.recv(65536):
                    break
        except OSError:
            pass  # gone or out of time: either way, done
