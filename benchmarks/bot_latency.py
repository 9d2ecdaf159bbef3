"""Update → reply latency of the real bot process through the local fake Bot API, and a 200-chat burst.

Starts `python -m bot` against tests/fakebotapi.py over HTTP on 127.0.0.1 with the seed corpus,
sends single questions one at a time (time from pushing the update to the reply arriving), then
200 chats at once with 429s and 502s injected, and prints one table.
Run:  .venv/bin/python benchmarks/bot_latency.py [--questions 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakebotapi import FakeBotAPI  # noqa: E402
from integration.conftest import BotProcess  # noqa: E402

QUESTIONS = [
    "Kenapa Bigo Live diancam diblokir?",
    "Apakah TikTok membagikan data pengguna ke pemerintah China?",
    "why was Bigo threatened with blocking?",
    "Does TikTok share user data with the Chinese government?",
    "What is the capital of France?",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()
    api = FakeBotAPI().start()
    with tempfile.TemporaryDirectory() as tmp:
        bot = BotProcess(api, Path(tmp)).start()
        try:
            for i in range(10):  # warm-up: imports, caches
                api.wait_reply(api.send_text(1, QUESTIONS[i % len(QUESTIONS)]))
            latencies = []
            for i in range(args.questions):
                message = api.message(1000 + i, QUESTIONS[i % len(QUESTIONS)])
                started = time.monotonic()
                api.push_update({"message": message})
                reply = api.wait_reply(message)
                latencies.append((reply.at - started) * 1000)
                # single questions: let the rate limiter's bucket (30 messages/s, Telegram's limit) refill,
                # so this measures answering, not throttling; the burst below measures throughput
                time.sleep(0.05)
            api.fail_next("sendMessage", 429, count=3, retry_after=1)
            api.fail_next("sendMessage", 502, count=5)
            burst = [api.message(50_000 + i, QUESTIONS[i % len(QUESTIONS)]) for i in range(200)]
            started = time.monotonic()
            for message in burst:
                api.push_update({"message": message})
            api.wait_for(lambda: all(api.replies_to(m) for m in burst), timeout=300)
            burst_seconds = time.monotonic() - started
            time.sleep(0.5)
            exactly_once = sum(len(api.replies_to(m)) == 1 for m in burst)
        finally:
            bot.stop()
            api.stop()
    print(f"single questions through the local Bot API ({args.questions}, seed corpus, one at a time):")
    print(
        f"  update→reply latency  p50 {statistics.median(latencies):6.1f} ms   "
        f"p95 {percentile(latencies, 0.95):6.1f} ms   max {max(latencies):6.1f} ms"
    )
    print("burst: 200 chats at once, 3×429 (retry_after 1 s) and 5×502 injected:")
    print(f"  answered exactly once {exactly_once}/200 in {burst_seconds:.1f} s")


if __name__ == "__main__":
    main()
