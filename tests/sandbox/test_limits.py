"""Flood limits as token buckets: bursts, refills, and which limit refused."""

from __future__ import annotations

import pytest

from bot.sandbox.limits import (
    GLOBAL,
    GROUP,
    PRIVATE_CHAT,
    LimitSettings,
    LimitSettingsError,
    RateLimiter,
    TokenBucket,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_says_how_long_to_wait() -> None:
    bucket = TokenBucket(capacity=3, rate=1.0, now=0.0)
    for _ in range(3):
        assert bucket.wait_time(0.0) == 0
        bucket.take(0.0)
    assert bucket.wait_time(0.0) == pytest.approx(1.0)


def test_a_bucket_refills_at_its_rate_up_to_its_capacity() -> None:
    bucket = TokenBucket(capacity=2, rate=0.5, now=0.0)
    bucket.take(0.0)
    bucket.take(0.0)
    assert bucket.wait_time(1.0) == pytest.approx(1.0)
    assert bucket.wait_time(100.0) == 0
    bucket.take(100.0)
    bucket.take(100.0)
    assert bucket.wait_time(100.0) > 0


def test_a_private_chat_gets_a_burst_of_three_then_one_per_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(LimitSettings(), clock)
    assert [limiter.admit(42, is_group=False) for _ in range(3)] == [None, None, None]
    refused = limiter.admit(42, is_group=False)
    assert refused is not None and (refused.kind, refused.retry_after) == (PRIVATE_CHAT, 1)
    clock.now += 1.0
    assert limiter.admit(42, is_group=False) is None


def test_another_private_chat_has_its_own_bucket() -> None:
    limiter = RateLimiter(LimitSettings(private_burst=1), FakeClock())
    assert limiter.admit(1, is_group=False) is None
    assert limiter.admit(2, is_group=False) is None
    assert limiter.admit(1, is_group=False) is not None


def test_a_group_gets_twenty_messages_a_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(LimitSettings(), clock)
    assert [limiter.admit(-7, is_group=True) for _ in range(20)] == [None] * 20
    refused = limiter.admit(-7, is_group=True)
    assert refused is not None and refused.kind == GROUP and refused.retry_after == 3


def test_the_global_limit_covers_all_chats_together() -> None:
    limiter = RateLimiter(LimitSettings(global_burst=2, global_per_second=2), FakeClock())
    assert limiter.admit(1, is_group=False) is None
    assert limiter.admit(2, is_group=False) is None
    refused = limiter.admit(3, is_group=False)
    assert refused is not None and refused.kind == GLOBAL and refused.retry_after == 1


def test_a_refused_message_takes_no_tokens() -> None:
    limiter = RateLimiter(LimitSettings(global_burst=1, private_burst=5), FakeClock())
    assert limiter.admit(1, is_group=False) is None
    assert limiter.admit(1, is_group=False) is not None
    limiter.configure(LimitSettings(global_burst=10, private_burst=5))
    assert [limiter.admit(1, is_group=False) for _ in range(5)] == [None] * 5


def test_disabled_limits_refuse_nothing() -> None:
    limiter = RateLimiter(LimitSettings(enabled=False, private_burst=1), FakeClock())
    assert [limiter.admit(1, is_group=False) for _ in range(10)] == [None] * 10


@pytest.mark.parametrize(
    "changes",
    [{"private_burst": 0}, {"group_per_minute": -1}, {"nonsense": 1}, {"global_burst": "3"}],
)
def test_limit_settings_refuse_unknown_or_non_positive_values(changes: dict[str, object]) -> None:
    with pytest.raises(LimitSettingsError):
        LimitSettings().updated(changes)
