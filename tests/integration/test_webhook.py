"""Webhook mode over real HTTP on 127.0.0.1: right secret answered, forged updates refused."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from fakebotapi import FakeBotAPI

from .conftest import BotProcess, free_port


def post(url: str, payload: dict, secret: str | None) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    if secret is not None:
        request.add_header("X-Telegram-Bot-Api-Secret-Token", secret)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_webhook_answers_real_updates_and_rejects_forged_ones(fresh_api: FakeBotAPI, tmp_path: Path):
    api, port = fresh_api, free_port()
    process = BotProcess(
        api,
        tmp_path,
        WEBHOOK_URL="https://bot.example.org/hook",
        WEBHOOK_SECRET="s3cret-token",
        WEBHOOK_LISTEN="127.0.0.1",
        PORT=str(port),
    ).start(wait=False)
    try:
        registered = api.wait_for(lambda: api.called("setWebhook"), timeout=90)[0]
        assert registered["url"] == "https://bot.example.org/hook" and registered["secret_token"] == "s3cret-token"
        url = f"http://127.0.0.1:{port}/hook"
        deadline = time.monotonic() + 30
        genuine = {"update_id": 1, "message": api.message(31337, "Kenapa Bigo Live diancam diblokir?")}
        while True:  # the server may need a moment after setWebhook
            try:
                status = post(url, genuine, "s3cret-token")
                break
            except (ConnectionError, urllib.error.URLError):
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert status == 200
        assert "Bigo Live" in api.wait_reply(genuine["message"]).text
        for secret in ("wrong", None):
            forged = {"update_id": 2, "message": api.message(31338, "Kenapa Bigo Live diancam diblokir?")}
            assert post(url, forged, secret) == 403
        later = {"update_id": 3, "message": api.message(31339, "Kenapa Bigo Live diancam diblokir?")}
        assert post(url, later, "s3cret-token") == 200
        api.wait_reply(later["message"])  # handled after the forged ones would have been
        assert api.messages_in(31338) == []
        assert not api.called("getUpdates")
    finally:
        assert process.stop() == 0


def test_webhook_without_secret_refuses_to_start(fresh_api: FakeBotAPI, tmp_path: Path):
    process = BotProcess(fresh_api, tmp_path, WEBHOOK_URL="https://bot.example.org/hook", WEBHOOK_SECRET="")
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=process.env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "WEBHOOK_SECRET" in result.stderr and "Traceback" not in result.stderr
