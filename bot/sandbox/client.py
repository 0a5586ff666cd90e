"""``SandboxClient``: play patients, supporters and clinicians against a running sandbox.

async with SandboxClient("http://127.0.0.1:8081") as sandbox:
    ana = await sandbox.create_user("Ana", username="ana_example")
    await sandbox.start_bot(ana.id)
    welcome = await sandbox.wait_for_message(ana.chat_id)
    await sandbox.press_button(ana.id, welcome.message_id, welcome.callback_data[0])
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import aiohttp

from bot.sandbox.models import BotMessage, CallbackAnswer, SandboxUser

WAIT_MARGIN_SECONDS = 5.0


class SandboxError(Exception):
    """The control API refused a request (unknown user, a button that is not there, ...)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class SandboxClient:
    """The control API of one sandbox, for one bot (``token``; None: the default bot)."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base.rstrip("/")
        self.token = token
        self._session: aiohttp.ClientSession | None = None
        self._cursors: dict[int, int] = {}

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def for_bot(self, token: str) -> SandboxClient:
        """A client for another bot token on the same sandbox (close it too)."""
        return SandboxClient(self.base, token)

    async def health(self) -> dict[str, Any]:
        """Whether the sandbox answers, and its default bot token."""
        return await self._request("GET", "/health")

    # people -----------------------------------------------------------------------------

    async def create_user(
        self, first_name: str, username: str | None = None, language: str = "en"
    ) -> SandboxUser:
        body = {"first_name": first_name, "username": username, "language_code": language}
        return SandboxUser.from_json(await self._request("POST", "/users", body))

    async def create_group(self, title: str, member_ids: list[int]) -> int:
        """A group with these members (the first adds the bot); returns its negative chat id."""
        body = {"title": title, "member_ids": member_ids}
        return int((await self._request("POST", "/groups", body))["chat_id"])

    async def start_bot(self, user_id: int, payload: str | None = None) -> int:
        """The user sends ``/start`` (or opens a deep link with ``payload``); the update id."""
        body = {"payload": payload}
        return int((await self._request("POST", f"/users/{user_id}/start", body))["update_id"])

    async def send_text(self, user_id: int, text: str, chat_id: int | None = None) -> int:
        body = {"text": text, "chat_id": chat_id}
        reply = await self._request("POST", f"/users/{user_id}/messages", body)
        return int(reply["update_id"])

    async def press_button(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        force: bool = False,
    ) -> int:
        """Press the inline button carrying ``data``; ``force`` sends data the message lacks."""
        body = {"message_id": message_id, "data": data, "chat_id": chat_id, "force": force}
        reply = await self._request("POST", f"/users/{user_id}/presses", body)
        return int(reply["update_id"])

    async def press(self, user_id: int, message: BotMessage, label: str) -> int:
        """Press the button labelled ``label`` on ``message``."""
        data = message.button(label).callback_data
        if data is None:
            raise LookupError(f"the button {label!r} has no callback data (a URL button?)")
        chat_id = None if message.chat_id == user_id else message.chat_id
        return await self.press_button(user_id, message.message_id, data, chat_id=chat_id)

    async def block(self, user_id: int) -> int:
        return int((await self._request("POST", f"/users/{user_id}/block", {}))["update_id"])

    async def unblock(self, user_id: int) -> int:
        return int((await self._request("POST", f"/users/{user_id}/unblock", {}))["update_id"])

    # what the bot did ---------------------------------------------------------------------

    async def messages(self, chat_id: int, *, include_user: bool = False) -> list[BotMessage]:
        """Messages in the chat in order: the bot's (and the users' with ``include_user``)."""
        query = {"include_user": "true"} if include_user else {}
        reply = await self._request("GET", f"/chats/{chat_id}/messages", query=query)
        return [BotMessage.from_json(m) for m in reply["messages"]]

    async def wait_for_message(
        self,
        chat_id: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - the server waits, this only tells it how long
        *,
        after_message_id: int | None = None,
    ) -> BotMessage:
        """The next bot message in the chat, waiting up to ``timeout`` seconds.

        Messages come one at a time in order: without ``after_message_id`` this returns the
        first bot message after the last one this client returned for the chat.
        Raises TimeoutError if none arrives in time.
        """
        after = self._cursors.get(chat_id, 0) if after_message_id is None else after_message_id
        query = {"after_message_id": str(after), "timeout": str(timeout)}
        try:
            reply = await self._request(
                "GET",
                f"/chats/{chat_id}/next",
                query=query,
                seconds=timeout + WAIT_MARGIN_SECONDS,
            )
        except SandboxError as exc:
            if exc.status == 408:
                raise TimeoutError(
                    f"the bot sent no message to chat {chat_id} after message {after} "
                    f"within {timeout} s"
                ) from None
            raise
        message = BotMessage.from_json(reply["message"])
        self._cursors[chat_id] = message.message_id
        return message

    async def file_bytes(self, file_id: str) -> bytes:
        session = self._session_now()
        async with session.get(f"{self.base}/sandbox/files/{file_id}", params=self._query()) as r:
            if r.status != 200:
                raise SandboxError(r.status, (await r.json()).get("error", "error"))
            return await r.read()

    async def callback_answers(
        self,
        *,
        chat_id: int | None = None,
        user_id: int | None = None,
        update_id: int | None = None,
    ) -> list[CallbackAnswer]:
        """Button presses and the bot's answers to them, optionally filtered."""
        filters = {"chat_id": chat_id, "user_id": user_id, "update_id": update_id}
        query = {name: str(value) for name, value in filters.items() if value is not None}
        reply = await self._request("GET", "/callback-answers", query=query)
        return [CallbackAnswer.from_json(a) for a in reply["answers"]]

    async def wait_for_callback_answer(
        self,
        update_id: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - the server waits, this only tells it how long
    ) -> CallbackAnswer:
        """The bot's answer to the press that made ``update_id``; TimeoutError if none comes."""
        try:
            reply = await self._request(
                "GET",
                f"/callback-answers/{update_id}",
                query={"timeout": str(timeout)},
                seconds=timeout + WAIT_MARGIN_SECONDS,
            )
        except SandboxError as exc:
            if exc.status == 408:
                raise TimeoutError(
                    f"the bot did not answer the press of update {update_id} within {timeout} s"
                ) from None
            raise
        return CallbackAnswer.from_json(reply)

    async def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not confirmed yet (raw Telegram JSON)."""
        return list((await self._request("GET", "/updates"))["updates"])

    # limits, faults, statistics -----------------------------------------------------------

    async def limits(self) -> dict[str, Any]:
        return await self._request("GET", "/limits")

    async def set_limits(self, **settings: Any) -> dict[str, Any]:
        """Change flood limits, e.g. ``private_burst=1, private_per_second=0.5, enabled=True``."""
        return await self._request("PUT", "/limits", settings)

    async def set_webhook_policy(self, **settings: Any) -> dict[str, Any]:
        """Change webhook retries, e.g. ``initial_delay=0.05, max_attempts=3``."""
        return await self._request("PUT", "/webhook-policy", settings)

    async def set_fault(
        self,
        kind: str,
        *,
        method: str | None = None,
        rate: float | None = None,
        count: int | None = None,
        seed: int | None = None,
        retry_after: int | None = None,
        delay: float | None = None,
        chat_id: int | None = None,
        description: str | None = None,
        phase: str | None = None,
    ) -> dict[str, Any]:
        """Inject a fault: kind is "429", "500", "502", "403", "drop" or "slow"."""
        settings = {
            "kind": kind,
            "method": method,
            "rate": rate,
            "count": count,
            "seed": seed,
            "retry_after": retry_after,
            "delay": delay,
            "chat_id": chat_id,
            "description": description,
            "phase": phase,
        }
        body = {name: value for name, value in settings.items() if value is not None}
        return await self._request("POST", "/faults", body)

    async def faults(self) -> list[dict[str, Any]]:
        return list((await self._request("GET", "/faults"))["faults"])

    async def clear_faults(self) -> None:
        await self._request("DELETE", "/faults")

    async def stats(self) -> dict[str, Any]:
        return await self._request("GET", "/stats")

    async def reset(self, *, only_this_bot: bool = False) -> None:
        """Forget everything (or only this client's bot): users, chats, faults, limits."""
        body: dict[str, Any] = {}
        if only_this_bot:
            body["token"] = self.token or (await self.health())["default_token"]
        await self._request("POST", "/reset", body, with_token=False)
        self._cursors.clear()

    # plumbing -----------------------------------------------------------------------------

    def _session_now(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    def _query(self) -> dict[str, str]:
        return {"token": self.token} if self.token else {}

    async def _request(
        self,
        verb: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        query: dict[str, str] | None = None,
        seconds: float = 30.0,
        with_token: bool = True,
    ) -> dict[str, Any]:
        params = {**(self._query() if with_token else {}), **(query or {})}
        async with self._session_now().request(
            verb,
            f"{self.base}/sandbox{path}",
            json=body,
            params=params,
            timeout=aiohttp.ClientTimeout(total=seconds),
        ) as response:
            data = await response.json(content_type=None)
        if response.status != 200:
            raise SandboxError(response.status, str(data.get("error", data)))
        return dict(data)
