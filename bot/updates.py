"""Updates the Telegram library cannot read are skipped, confirmed, and logged once without their content.

PTB parses a getUpdates batch as a whole: one update it cannot parse (a poll without `persistent_id`,
as a self-hosted Bot API server older than 9.6 sends) failed the whole batch, the offset never moved,
getUpdates spun 100–190 times a second and the log filled with other users' messages. Here each
update is parsed on its own; one that fails is dropped from the batch and its id confirmed on the
next call, so the updates after it are answered. The webhook server (bot/webhook.py) uses the same
`parse_update`.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, Update
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


def describe_update(data: object) -> str:
    """The update's id and kinds (its keys), never its content: safe to log."""
    if not isinstance(data, dict):
        return f"a {type(data).__name__}, not an update"
    kinds = ",".join(sorted(str(key)[:40] for key in data if key != "update_id"))[:200]
    return f"update {data.get('update_id', '?')} ({kinds or 'empty'})"


def parse_update(data: object, bot: Bot) -> Update | None:
    """The Update, or None (logged once, without content) if the library cannot read it."""
    try:
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise ValueError("no integer update_id")
        return Update.de_json(data, bot)
    except Exception as error:  # noqa: BLE001 - any parse failure means: skip this one update
        # the error's type only: its message may quote the update's content
        log.warning("skipped %s: the Telegram library cannot read it (%s)", describe_update(data), type(error).__name__)
        return None


class TolerantBot(ExtBot):
    """ExtBot whose getUpdates skips (and confirms) updates the library cannot parse."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._skipped_through: int | None = None  # highest update id skipped and not yet confirmed

    # _post is where getUpdates' raw JSON passes; PTB parses it right after (pinned to PTB 22 in
    # pyproject.toml; tests/integration/test_hardening.py drives it through a real Bot API server).
    async def _post(self, endpoint: str, data: dict | None = None, *args: Any, **kwargs: Any) -> Any:
        if endpoint != "getUpdates":
            return await super()._post(endpoint, data, *args, **kwargs)
        data = dict(data or {})
        if self._skipped_through is not None and (data.get("offset") or 0) <= self._skipped_through:
            data["offset"] = self._skipped_through + 1  # confirms the skipped update(s) to the server
        result = await super()._post(endpoint, data, *args, **kwargs)
        if not isinstance(result, list):
            return result
        readable = []
        for item in result:
            if parse_update(item, self) is not None:
                readable.append(item)
            elif isinstance(item, dict) and isinstance(item.get("update_id"), int):
                self._skipped_through = max(self._skipped_through or 0, item["update_id"])
        return readable
