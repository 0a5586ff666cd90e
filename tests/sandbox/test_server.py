"""The server runs in-process for tests and alone for `companion sandbox`."""

from __future__ import annotations

import asyncio

import pytest

from bot.sandbox import DEFAULT_TOKEN, SandboxServer
from bot.sandbox.server import is_loopback, serve_forever


async def test_the_in_process_server_tells_where_to_point_the_bot() -> None:
    async with SandboxServer() as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.bot_api_url == f"{server.base_url}/bot"
        assert server.token == DEFAULT_TOKEN
        async with server.client() as client:
            assert (await client.health())["default_token"] == DEFAULT_TOKEN


async def test_an_unstarted_server_has_no_address() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = SandboxServer().base_url


async def test_a_server_can_use_another_default_token() -> None:
    async with SandboxServer(token="99:fictional-token-for-a-clinic") as server:
        assert server.token == "99:fictional-token-for-a-clinic"


async def test_serve_forever_prints_how_to_use_it_until_stopped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    running = asyncio.create_task(serve_forever("127.0.0.1", 0))
    printed = ""
    for _ in range(300):
        printed += capsys.readouterr().out
        if "Ctrl-C" in printed:
            break
        await asyncio.sleep(0.01)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    assert "listening on http://127.0.0.1:" in printed
    assert "/bot" in printed
    assert DEFAULT_TOKEN in printed
    assert "WARNING" not in printed


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False)],  # noqa: S104
)
def test_only_loopback_addresses_count_as_private(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback
