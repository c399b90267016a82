"""The preview server under load on the shipped library: many clients, idle and slow ones.

Loopback only, bounded in requests and time. The clients run in the test's own process,
so they share the interpreter with the server: the figures are what a browser would see
at worst, never better. ``-s`` shows them.
"""

from __future__ import annotations

import gc
import http.client
import json
import os
import shutil
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from thrustlib.config import load_config
from thrustlib.serve import command
from thrustlib.serve.server import PreviewServer

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 10.0

CLIENTS = 60
REQUESTS_PER_CLIENT = 50
IDLE_CONNECTIONS = 20
SLOW_CONNECTIONS = 5
LONG_POLLS = 10
P99_LIMIT = 0.250


@dataclass
class Figures:
    """What one run of the load measured."""

    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies) + len(self.failures)

    def p99(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

    def summary(self) -> str:
        return (
            f"{self.requests} requests in {self.seconds:.1f} s"
            f" ({self.requests / self.seconds:.0f}/s), {len(self.failures)} failed,"
            f" median {statistics.median(self.latencies) * 1000:.1f} ms,"
            f" p99 {self.p99() * 1000:.1f} ms, max {max(self.latencies) * 1000:.1f} ms"
        )


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PreviewServer]:
    """The preview of a copy of the shipped library (edits elsewhere cannot reach it)."""
    root = tmp_path_factory.mktemp("shipped")
    shutil.copyfile(ROOT / "site.toml", root / "site.toml")
    for folder in ("exercises", "templates", "static"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, root / folder)
    # Saved a minute ago: files saved while the first read runs are read again after it,
    # and that rebuild must not fall in the middle of the load.
    past = time.time() - 60
    for path in root.rglob("*"):
        os.utime(path, (past, past))
    server = PreviewServer(load_config(root), port=0)
    server.start()
    # As `thrustlib serve` does once the site is read: a full collection over everything
    # the test run holds would stop every thread at a random moment of the load.
    command.settle_heap()
    try:
        yield server
    finally:
        gc.unfreeze()
        server.stop()


def mix(server: PreviewServer) -> list[str]:
    """Paths of every kind a browser asks for: pages, styles, scripts, the API, a 404."""
    snapshot = server.live.snapshot
    assert snapshot is not None
    paths = sorted(snapshot.paths)
    pages = [p for p in paths if p.endswith(".html")][::4]
    assets = [p for p in paths if p.endswith((".css", ".js", ".svg"))]
    chosen = ["", *(p.removesuffix("index.html") for p in pages), *assets]
    chosen += ["api/exercises.json", "no/such/page/"]
    return [server.config.base_path + p for p in chosen]


def get(connection: http.client.HTTPConnection, path: str) -> int:
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


class Client:
    """A lean HTTP/1.1 client on one socket: little work of its own, since it shares the
    interpreter with the server it measures. Raises on anything but a whole answer."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buffer = b""

    def get(self, path: str, *, close: bool = False) -> int:
        """The status of a GET of ``path``, once the body is read to its length."""
        connection = "close" if close else "keep-alive"
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: {connection}\r\n\r\n".encode()
        )
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = dict(line.split(": ", 1) for line in lines[1:])
        length = int(fields["Content-Length"])
        while len(self.buffer) < length:
            self._more()
        self.buffer = self.buffer[length:]
        return status

    def _more(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("closed before the answer was complete")
        self.buffer += data

    def close(self) -> None:
        self.sock.close()


def expected_status(path: str) -> int:
    return 404 if "no/such" in path else 200


def client(
    port: int, paths: list[str], offset: int, figures: Figures, lock: threading.Lock
) -> None:
    """Half the requests on one kept-alive connection, half each on a fresh one."""
    latencies: list[float] = []
    failures: list[str] = []
    kept: Client | None = None
    for n in range(REQUESTS_PER_CLIENT):
        path = paths[(offset + n) % len(paths)]
        fresh = n % 2 == 1
        started = time.perf_counter()
        try:
            if fresh:
                connection = Client(port)
                try:
                    status = connection.get(path, close=True)
                finally:
                    connection.close()
            else:
                if kept is None:
                    kept = Client(port)
                status = kept.get(path)
        except (OSError, ValueError, KeyError, IndexError) as exc:
            failures.append(f"{path}: {type(exc).__name__}: {exc}")
            if kept is not None and not fresh:
                kept.close()
                kept = None
            continue
        latencies.append(time.perf_counter() - started)
        if status != expected_status(path):
            failures.append(f"{path}: status {status}")
    if kept is not None:
        kept.close()
    with lock:
        figures.latencies += latencies
        figures.failures += failures


def trickle(sock: socket.socket, stop: threading.Event) -> None:
    """Half a request line, then a byte every half second: a slow client."""
    try:
        sock.sendall(b"GET /exercises/hip-thr")
        while not stop.wait(0.5):
            sock.sendall(b"u")
    except OSError:
        pass  # the server may give up on it; that is its right


def long_poll(port: int, boot: str, generation: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        get(connection, f"/__thrustlib/events?boot={boot}&generation={generation}")
    except (OSError, http.client.HTTPException):
        pass
    finally:
        connection.close()


def load(server: PreviewServer) -> Figures:
    """Idle, slow and long-polling connections around ``CLIENTS`` busy clients."""
    port = server.port
    paths = mix(server)
    stop = threading.Event()
    idle = [
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        for _ in range(IDLE_CONNECTIONS)
    ]
    slow = [
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        for _ in range(SLOW_CONNECTIONS)
    ]
    background = [threading.Thread(target=trickle, args=(s, stop)) for s in slow]
    background += [
        threading.Thread(target=long_poll, args=(port, server.boot, server.live.generation))
        for _ in range(LONG_POLLS)
    ]
    for thread in background:
        thread.daemon = True
        thread.start()
    deadline = time.monotonic() + TIMEOUT
    while server.waiting < LONG_POLLS:  # each holds a thread all through the load
        assert time.monotonic() < deadline, "the long-polls did not start waiting"
        time.sleep(0.02)
    figures, lock = Figures(), threading.Lock()
    clients = [
        threading.Thread(target=client, args=(port, paths, n * 7, figures, lock))
        for n in range(CLIENTS)
    ]
    started = time.perf_counter()
    try:
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(60)
        figures.seconds = time.perf_counter() - started
    finally:
        stop.set()
        for sock in idle + slow:
            sock.close()
    return figures


def test_many_clients_with_idle_and_slow_ones_around_them(shipped: PreviewServer) -> None:
    port = shipped.port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        # Every page once: what is measured is serving, not the first render of a page.
        for path in mix(shipped):
            assert get(connection, path) == expected_status(path), path
    finally:
        connection.close()
    generation = shipped.live.generation
    figures = load(shipped)
    print(f"\npreview under load: {figures.summary()}")
    assert figures.requests == CLIENTS * REQUESTS_PER_CLIENT
    assert not figures.failures, figures.failures[:10]
    assert figures.p99() < P99_LIMIT, figures.summary()
    assert shipped.live.generation == generation  # no rebuild: the load was all there was
    assert shipped.waiting == LONG_POLLS
    # Still serving, and the live reload still answers.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        assert get(connection, shipped.config.base_path) == 200
        connection.request("GET", "/__thrustlib/events?boot=other&generation=0")
        answer = json.loads(connection.getresponse().read())
        assert answer["boot"] == shipped.boot
    finally:
        connection.close()
