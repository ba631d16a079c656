"""A real SMTP server for the integration tests (aiosmtpd, in a thread of the test process): it
keeps what it receives, can refuse the next messages with a 4xx answer, and can hold the
connection that delivers a given message, so a test can kill the sender in mid-send."""

import asyncio
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sink:
    port: int = 0
    messages: list[Message] = field(default_factory=list)
    refuse: int = 0  # the next messages to answer "451 try again later"
    hold_after: int | None = None  # keep the connection that brings message number N+1 open
    holding: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refuse:
                self.refuse -= 1
                return "451 4.3.0 Try again later"
            # The message has arrived: what the sender hears of it is another matter.
            self.messages.append(message_from_bytes(envelope.content))
            hold = self.hold_after is not None and len(self.messages) == self.hold_after + 1
        if hold:
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
        return "250 OK"

    def recipients(self) -> Counter[str]:
        with self.lock:
            return Counter(str(message["To"]) for message in self.messages)

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return True
            time.sleep(0.1)
        return False


def start_sink() -> tuple[Controller, Sink]:
    sink = Sink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    return controller, sink
