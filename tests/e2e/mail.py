"""A tiny SMTP server for tests: accepts mail on loopback and keeps it in a list."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message


@dataclass
class FakeSmtp:
    messages: list[EmailMessage] = field(default_factory=list)
    port: int = 0
    _server: asyncio.AbstractServer | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def say(line: str) -> None:
            writer.write((line + "\r\n").encode())
            await writer.drain()

        await say("220 fake smtp ready")
        while line := (await reader.readline()).decode().strip():
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                await say("250 fake")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                await say("250 ok")
            elif verb == "DATA":
                await say("354 end with .")
                data = b""
                while (chunk := await reader.readline()) not in (b".\r\n", b""):
                    data += chunk
                parsed: Message = message_from_bytes(data, policy=policy.default)
                assert isinstance(parsed, EmailMessage)
                self.messages.append(parsed)
                await say("250 queued")
            elif verb == "QUIT":
                await say("221 bye")
                break
            else:
                await say("502 not implemented")
        writer.close()
