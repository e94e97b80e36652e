"""MLLP, the minimal lower layer protocol: HL7 v2 over TCP, for a live feed.

Each message travels as 0x0B, the message, 0x1C 0x0D; each gets an acknowledgement framed the
same way on the same connection, in order, in the character set the message declared. Bytes
outside a frame are dropped; a frame larger than the limit closes the connection; an idle
connection is closed after a while. Given an `ssl.SSLContext`, both sides speak TLS.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import ssl
import threading
from types import TracebackType
from typing import Self

from serviceplan_hl7v2.feed import SiuFeed

log = logging.getLogger("serviceplan_hl7v2.mllp")
START_BLOCK = b"\x0b"
END_BLOCK = b"\x1c\x0d"
MAX_BYTES = 1 << 20
CHUNK = 65536


class FrameTooLargeError(ValueError):
    """A frame grew past the limit without ending."""


def frame(text: str | bytes, encoding: str = "utf-8") -> bytes:
    """Wrap a message (text, or bytes already encoded) in MLLP's start and end blocks."""
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return START_BLOCK + data + END_BLOCK


class Frames:
    """Collects bytes as they arrive and returns the whole messages among them."""

    def __init__(self, limit: int = MAX_BYTES) -> None:
        self.limit = limit
        self._buffer = bytearray()

    def add(self, data: bytes) -> list[bytes]:
        """Take in `data`; return the messages it completed, without their framing."""
        self._buffer += data
        messages: list[bytes] = []
        while True:
            start = self._buffer.find(START_BLOCK)
            if start < 0:
                self._buffer.clear()
                return messages
            del self._buffer[:start]
            end = self._buffer.find(END_BLOCK)
            if end < 0:
                if len(self._buffer) > self.limit:
                    raise FrameTooLargeError(f"an MLLP frame passed {self.limit} bytes")
                return messages
            messages.append(bytes(self._buffer[1:end]))
            del self._buffer[: end + len(END_BLOCK)]


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False
    listener: MllpListener


class _Connection(socketserver.BaseRequestHandler):
    """One sender's connection: read frames, answer each in turn."""

    server: _Server
    request: socket.socket

    def handle(self) -> None:
        listener = self.server.listener
        connection: socket.socket = self.request
        listener.opened(connection)
        frames = Frames(listener.max_bytes)
        connection.settimeout(listener.idle_timeout)
        try:
            if listener.ssl_context is not None:
                connection = listener.ssl_context.wrap_socket(connection, server_side=True)
            while data := connection.recv(CHUNK):
                for raw in frames.add(data):
                    connection.sendall(frame(listener.reply(raw)))
        except FrameTooLargeError:
            log.warning("closed a connection: a frame passed %d bytes", listener.max_bytes)
        except ssl.SSLError as error:  # no TLS, or a certificate the other side refused
            log.warning("closed a connection: TLS failed (%s)", error.reason)
        except OSError as error:  # the peer went away, or stayed silent too long
            log.info("closed a connection: %s", type(error).__name__)
        finally:
            listener.closed(self.request)


class MllpListener:
    """Listens for MLLP connections and hands each message to the feed.

    Use as a context manager, or `start()` then `close()`; `serve_forever()` blocks instead.
    Port 0 picks a free port; `address` tells which.
    """

    def __init__(  # noqa: PLR0913 (a listener has this many settings)
        self,
        feed: SiuFeed,
        host: str = "127.0.0.1",
        port: int = 2575,
        *,
        idle_timeout: float = 300.0,
        max_bytes: int = MAX_BYTES,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.feed = feed
        self.ssl_context = ssl_context
        self.idle_timeout = idle_timeout
        self.max_bytes = max_bytes
        self._server = _Server((host, port), _Connection)
        self._server.listener = self
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        """The host and port the listener is bound to."""
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    def reply(self, raw: bytes) -> bytes:
        """The acknowledgement for one received message, in the character set it declared.

        A message that declares none is read in the feed's default (`FeedOptions.charset`).
        """
        return self.feed.handle_bytes(raw)

    def serve_forever(self) -> None:
        """Answer connections until `close()` is called from another thread."""
        self._server.serve_forever(poll_interval=0.2)

    def start(self) -> tuple[str, int]:
        """Answer connections in a background thread; returns the address."""
        self._thread = threading.Thread(target=self.serve_forever, name="mllp", daemon=True)
        self._thread.start()
        return self.address

    def close(self) -> None:
        """Stop listening and close every open connection."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):  # already closed by the peer
                    connection.shutdown(socket.SHUT_RDWR)

    def opened(self, connection: socket.socket) -> None:
        """Keep track of a connection, so `close()` can end it."""
        with self._lock:
            self._connections.add(connection)

    def closed(self, connection: socket.socket) -> None:
        """Forget a connection that ended."""
        with self._lock:
            self._connections.discard(connection)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class MllpClient:
    """A sender's side of MLLP: send a message, wait for its acknowledgement."""

    def __init__(  # noqa: PLR0913 (a connection has this many settings)
        self,
        host: str,
        port: int,
        *,
        timeout: float = 10.0,
        encoding: str = "utf-8",
        ssl_context: ssl.SSLContext | None = None,
        server_hostname: str | None = None,
    ) -> None:
        self.encoding = encoding
        plain = socket.create_connection((host, port), timeout=timeout)
        if ssl_context is None:
            self._socket = plain
        else:
            try:
                self._socket = ssl_context.wrap_socket(
                    plain, server_hostname=server_hostname or host
                )
            except (ssl.SSLError, OSError):
                plain.close()
                raise
        self._frames = Frames()
        self._waiting: list[bytes] = []

    def send(self, text: str) -> str:
        """Send one message and return the acknowledgement."""
        self.send_bytes(frame(text, self.encoding))
        return self.receive()

    def send_bytes(self, data: bytes) -> None:
        """Send raw bytes (for a frame in pieces, or something that is not a frame at all)."""
        self._socket.sendall(data)

    def receive(self) -> str:
        """Wait for the next acknowledgement."""
        while not self._waiting:
            data = self._socket.recv(CHUNK)
            if not data:
                msg = "the listener closed the connection"
                raise ConnectionError(msg)
            self._waiting += self._frames.add(data)
        return self._waiting.pop(0).decode(self.encoding)

    def close(self) -> None:
        """Close the connection."""
        self._socket.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
