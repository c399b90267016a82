"""The preview's connections: a thread for each, a bound on them, a deadline for requests.

A preview answers from memory in well under a millisecond, so under load its latency is
decided by what happens around the requests:

- a listen backlog big enough that a burst of new connections is never dropped (a
  dropped SYN costs the client a one-second retransmit);
- threads that are waiting for a connection when it comes: starting a thread waits
  until the new thread runs, and the thread that accepts, doing that for every
  connection, could accept only as fast as the interpreter lock changed hands;
- a bound on connections, so that a flood cannot exhaust threads and memory: past it a
  new connection is answered 503 at once;
- a deadline for each request head, so that a client trickling its request a byte at a
  time cannot hold a thread for ever.

:class:`ConnectionServer` holds all of that and knows nothing about what is served;
:mod:`thrustlib.serve.heads` reads the requests and :mod:`thrustlib.serve.http` answers
them.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import socket
import sys
import threading
import time
from http.server import HTTPServer
from typing import Any

log = logging.getLogger(__name__)

BACKLOG = 128
"""Connections the kernel queues before they are accepted (the standard library's 5
drops SYNs as soon as a few clients ask for a page and its assets at once)."""

MAX_CONNECTIONS = 256
"""Open connections, each with its thread; past that a new one is answered 503 at once."""

SPARE_THREADS = 8
"""Threads kept waiting for the next connection; one that takes a connection starts
another when fewer are left."""

SPARE_SECONDS = 60.0
"""A thread past the spares that has had no connection for this long ends."""

STOP_SECONDS = 5.0
"""How long stopping waits for the threads to finish the answers they are giving."""

REFUSED_LINGER_SECONDS = 1.0
"""How long a refused connection is kept half-open so its client reads the 503."""

MAX_REFUSED = 64
"""Refused connections kept half-open at once; past that the oldest is closed."""

_BUSY_BODY = b"Too many connections to the preview; try again in a moment.\n"
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: " + str(len(_BUSY_BODY)).encode() + b"\r\n"
    b"Retry-After: 1\r\n"
    b"Connection: close\r\n"
    b"\r\n" + _BUSY_BODY
)

GONE = (ConnectionError, TimeoutError)
"""What a client that went away, or stopped reading, makes a socket call raise."""

_Job = tuple[socket.socket, Any] | None
"""A connection and its client's address for a thread to serve; ``None`` ends a thread."""


class ConnectionServer(HTTPServer):
    """An HTTP server with a thread per connection, a bound on connections and a
    deadline on request heads.

    The handler calls :meth:`awaiting` before it reads a request head and
    :meth:`arrived` once the head is read; a connection still waiting at its deadline
    is shut, which ends the read (and frees the thread) at once.
    """

    request_queue_size = BACKLOG

    def __init__(self, address: tuple[str, int], handler: Any) -> None:
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        """Connections accepted and not yet closed (waiting for a thread included)."""
        self._heads: dict[socket.socket, float] = {}
        """Connections waiting for a request head, and when they stop waiting."""
        self._refused: list[tuple[socket.socket, float]] = []
        """Refused connections, half-closed, and when they are closed for good; touched
        only by the thread that accepts."""
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._threads = 0
        self._workers: set[threading.Thread] = set()
        """The threads themselves, so that stopping can wait for them to end."""
        self._idle = 0
        """Threads waiting for a job, or about to."""
        self._closing = False
        self._full = False
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    @property
    def connections(self) -> int:
        """Connections open right now, refused ones not counted."""
        return len(self._open)

    # -- the handler's side -------------------------------------------------------------

    def awaiting(self, connection: socket.socket, seconds: float) -> bool:
        """Give ``connection`` ``seconds`` to send a request head; False when stopping."""
        with self._lock:
            if self._closing:
                return False
            self._heads[connection] = time.monotonic() + seconds
            return True

    def arrived(self, connection: socket.socket) -> None:
        """The head of ``connection``'s request is read (or the reading ended)."""
        with self._lock:
            self._heads.pop(connection, None)

    # -- accepting ----------------------------------------------------------------------

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        # Started here, not when bound: the preview's first read may fork, and a fork
        # must find no thread but the one that forks.
        for _ in range(SPARE_THREADS):
            self._start_thread()
        super().serve_forever(poll_interval)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            admitted = len(self._open) < MAX_CONNECTIONS
            if admitted:
                self._open.add(request)
                self._full = self._full and len(self._open) > MAX_CONNECTIONS * 3 // 4
            elif not self._full:
                self._full = True
                log.warning(
                    "%d connections are open: answering 503 until some close", MAX_CONNECTIONS
                )
        if admitted:
            self._jobs.put((request, client_address))
        else:
            self._refuse(request)

    def _refuse(self, request: socket.socket) -> None:
        """Answer 503 without a thread; the answer goes before the request is read."""
        try:
            request.setblocking(False)
            request.send(_BUSY)  # a new socket's send buffer always takes this much
            request.shutdown(socket.SHUT_WR)
        except OSError:
            request.close()
            return
        # Closed now, the request still on its way would reset the connection and the
        # client would never read the answer: keep reading until the client closes.
        if len(self._refused) >= MAX_REFUSED:
            self._refused.pop(0)[0].close()
        self._refused.append((request, time.monotonic() + REFUSED_LINGER_SECONDS))

    def service_actions(self) -> None:
        # Called by serve_forever after each accept and every poll interval.
        now = time.monotonic()
        if self._refused:
            self._refused = [(s, end) for s, end in self._refused if not _drained(s, end, now)]
        if self._heads:
            with self._lock:
                late = [s for s, end in self._heads.items() if end <= now]
                for connection in late:
                    del self._heads[connection]
                    _shut(connection)

    # -- the threads --------------------------------------------------------------------

    def _start_thread(self) -> None:
        with self._lock:
            if self._closing:
                return
            self._threads += 1
            self._idle += 1
        thread = threading.Thread(target=self._work, name="thrustlib-serve-connection", daemon=True)
        with self._lock:
            self._workers.add(thread)
        try:
            thread.start()
        except RuntimeError:  # the system has no thread to give: the others go on
            with self._lock:
                self._workers.discard(thread)
                self._threads -= 1
                self._idle -= 1

    def _work(self) -> None:
        try:
            self._take_jobs()
        finally:
            with self._lock:
                self._workers.discard(threading.current_thread())

    def _take_jobs(self) -> None:
        """Serve connections one after another until told to stop, or not needed."""
        while True:
            try:
                job = self._jobs.get(timeout=SPARE_SECONDS)
            except queue.Empty:
                with self._lock:
                    # More than the spares are idle: one of them takes what comes next.
                    if self._idle > SPARE_THREADS:
                        self._idle -= 1
                        self._threads -= 1
                        return
                continue
            with self._lock:
                self._idle -= 1
                if job is None:
                    self._threads -= 1
                    return
                grow = (
                    self._idle < SPARE_THREADS and self._threads < MAX_CONNECTIONS + SPARE_THREADS
                )
            if grow:
                # Here rather than in the thread that accepts, which must not wait.
                self._start_thread()
            self._serve(*job)
            with self._lock:
                self._idle += 1

    def _serve(self, request: socket.socket, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._open.discard(request)
            self._heads.pop(request, None)
        super().shutdown_request(request)

    def server_close(self) -> None:
        """Stop listening; end the connections that wait for a request, and the threads."""
        super().server_close()
        with self._lock:
            self._closing = True
            for connection in self._heads:
                _shut(connection)
            self._heads.clear()
            threads = self._threads
        for _ in range(threads):
            self._jobs.put(None)
        for connection, _ in self._refused:
            connection.close()
        self._refused.clear()
        # Waited for, so that a stopped preview leaves no thread behind it (a fork in
        # the next preview's first read must find none); an answer being written is
        # given a moment to finish, a client that stopped reading is not waited for.
        deadline = time.monotonic() + STOP_SECONDS
        with self._lock:
            workers = list(self._workers)
        for thread in workers:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Browsers drop connections all the time (a reload cancels its long-poll); that
        # is no reason for a traceback in the terminal. Anything else is a bug to see.
        error = sys.exc_info()[1]
        if isinstance(error, GONE):
            log.debug("connection from %s ended: %s", client_address, error)
        else:
            log.error("answering %s failed", client_address, exc_info=True)


def _drained(connection: socket.socket, end: float, now: float) -> bool:
    """Read what a refused client sent; True (and closed) once it is done or out of time."""
    done = now >= end
    try:
        for _ in range(4):  # a bounded amount per call: the accepting thread must go on
            if not connection.recv(65536):
                done = True
                break
    except BlockingIOError:
        pass
    except OSError:
        done = True
    if done:
        connection.close()
    return done


def _shut(connection: socket.socket) -> None:
    """End both directions of ``connection``; a thread blocked reading it wakes up."""
    with contextlib.suppress(OSError):  # already closed by its client
        connection.shutdown(socket.SHUT_RDWR)
