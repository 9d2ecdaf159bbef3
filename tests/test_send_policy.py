"""How a Bot API call is retried: through 429s and 5xx for minutes, never after a timeout (issue 12.8)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.replies import BACKOFF_FIRST_SECONDS, BACKOFF_MAX_SECONDS, send_reliably

# building RetryAfter warns that PTB 23 will hold a timedelta (the code under test reads either)
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class FlakyCall:
    """A call that fails with the given errors, in order, then returns "sent"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "sent"


class Waits:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


async def test_a_storm_of_429s_and_502s_is_waited_out():
    call = FlakyCall(
        *[RetryAfter(timedelta(seconds=5)) for _ in range(30)], *[NetworkError("Bad Gateway") for _ in range(30)]
    )
    waits = Waits()
    assert await send_reliably(call, sleep=waits) == "sent"
    assert call.calls == 61
    assert waits.seconds[:30] == [5.0] * 30  # as the server said
    assert max(waits.seconds[30:]) == BACKOFF_MAX_SECONDS and waits.seconds[30] < waits.seconds[33]


async def test_a_timeout_is_never_retried_because_the_message_may_have_arrived():
    call = FlakyCall(TimedOut())
    with pytest.raises(TimedOut):
        await send_reliably(call, sleep=Waits())
    assert call.calls == 1


async def test_a_bad_request_is_raised_at_once():
    call = FlakyCall(BadRequest("message is too long"))
    with pytest.raises(BadRequest):
        await send_reliably(call, sleep=Waits())
    assert call.calls == 1


async def test_it_gives_up_when_patience_runs_out():
    call = FlakyCall(*[NetworkError("Bad Gateway") for _ in range(1000)])
    waits = Waits()
    with pytest.raises(NetworkError):
        # the fake sleep does not advance the clock: waits of 1×, 2× the first fit, the next (4×) would not
        await send_reliably(call, patience=3 * BACKOFF_FIRST_SECONDS, sleep=waits)
    assert call.calls == 3 and sum(waits.seconds) <= 3 * BACKOFF_FIRST_SECONDS
