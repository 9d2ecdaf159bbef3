"""A local fake of the Telegram Bot API over real HTTP, for driving the real `python -m bot` process.

It serves the methods the bot uses and behaves like Telegram where it matters: long polling with
offsets, HTTP 400 "can't parse entities" for HTML Telegram would reject, 400 for texts over 4096
characters, and on demand 429 with retry_after, 502, or slow responses. Tests push updates and
read back what the bot sent. Used by tests/integration and benchmarks/bot_latency.py.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ENTITY_RE = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "commands",
    "results",
    "link_preview_options",
    "allowed_updates",
    "entities",
    "button",
}
MAX_TEXT = 4096


class HtmlError(ValueError):
    pass


def parse_telegram_html(text: str) -> str:
    """The plain text Telegram would show, or HtmlError where Telegram answers 400 can't parse entities."""
    stack: list[str] = []
    plain: list[str] = []
    position = 0
    for match in _TAG_RE.finditer(text):
        plain.append(_check_text(text[position : match.start()], position))
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name not in ALLOWED_TAGS:
            raise HtmlError(f'Unsupported start tag "{name}" at byte offset {match.start()}')
        if closing:
            if not stack or stack[-1] != name:
                raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1] if stack else name}"')
            stack.pop()
        else:
            stack.append(name)
        position = match.end()
    plain.append(_check_text(text[position:], position))
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return html.unescape("".join(plain))


def _check_text(chunk: str, offset: int) -> str:
    if "<" in chunk or ">" in chunk:
        raise HtmlError(f"Unexpected < or > at byte offset {offset + max(chunk.find('<'), chunk.find('>'))}")
    for index, char in enumerate(chunk):
        if char == "&" and not _ENTITY_RE.match(chunk, index):
            raise HtmlError(f"Unsupported entity at byte offset {offset + index}")
    return chunk


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Fault:
    status: int = 0  # 0 = no error, only a delay
    retry_after: int | None = None
    delay: float = 0.0


@dataclass
class SentMessage:
    method: str
    chat_id: int
    message_id: int
    text: str  # as the user sees it (entities parsed)
    html: str
    reply_to: int | None
    reply_markup: dict | None
    at: float = field(default_factory=time.monotonic)


class FakeBotAPI:
    def __init__(
        self, token: str = "123456:TEST-token", username: str = "policy_news_bot", bot_id: int = 777000
    ) -> None:
        self.token = token
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Policy News",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self._condition = threading.Condition()
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._settle_chats = itertools.count(9_000_001)  # settle()'s marker chats, apart from the tests'
        self.calls: list[tuple[str, dict]] = []
        self.sent: list[SentMessage] = []
        self.edits: list[SentMessage] = []
        self.callback_answers: list[dict] = []
        self.inline_answers: list[dict] = []
        self.commands: list[dict] = []  # the default command menu
        self.commands_by_language: dict[str, list[dict]] = {}  # setMyCommands' language_code ("" = default)
        self.rejected: list[tuple[str, int, str]] = []  # (method, status, description)
        self.files: dict[str, bytes] = {}
        self.file_paths: dict[str, str] = {}  # file_id → the file_path getFile answers (default: the id)
        self._faults: dict[str, list[Fault]] = {}
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> "FakeBotAPI":
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body leave in one segment: otherwise Nagle + delayed ACK add ~40 ms per call
            disable_nagle_algorithm = True
            wbufsize = -1

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                self._dispatch()

            def do_POST(self) -> None:
                self._dispatch()

            def _dispatch(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, payload, content_type = api.handle(self.path, self.headers.get("Content-Type", ""), body)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot went away during a long poll (a test stopped it)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            with self._condition:
                self._condition.notify_all()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    # -- test controls ------------------------------------------------------------------------------

    def fail_next(self, method: str, status: int, count: int = 1, retry_after: int | None = None) -> None:
        with self._condition:
            self._faults.setdefault(method, []).extend(Fault(status, retry_after) for _ in range(count))

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        with self._condition:
            self._faults.setdefault(method, []).extend(Fault(delay=seconds) for _ in range(count))

    def press(self, chat_id: int, message_id: int, text: str, data: str, query_id: str) -> None:
        """A user presses an inline button under one of the bot's messages: a callback_query update."""
        shown = {"message_id": message_id, "date": 0, "chat": self.chat(chat_id), "from": self.bot_user, "text": text}
        query = {"id": query_id, "from": self.user(chat_id), "chat_instance": "x", "message": shown, "data": data}
        self.push_update({"callback_query": query})

    def push_update(self, update: dict) -> int:
        with self._condition:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
            self._condition.notify_all()
            return update_id

    def user(self, user_id: int, first_name: str = "Ana", language_code: str | None = "en") -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code is not None:  # Telegram leaves it out when it does not know the user's language
            user["language_code"] = language_code
        return user

    def chat(self, chat_id: int, chat_type: str = "private") -> dict:
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": "Ana"}
        return {"id": chat_id, "type": chat_type, "title": "Policy watchers"}

    def message(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        reply_to: dict | None = None,
        language_code: str | None = "en",
        **extra: Any,
    ) -> dict:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
            "from": self.user(user_id or abs(chat_id), language_code=language_code),
        }
        if text is not None:
            message["text"] = text
            commands = [m for m in re.finditer(r"(?<!\S)/\w+(?:@\w+)?", text) if m.start() == 0]
            mentions = list(re.finditer(r"@\w+", text))
            entities = [
                {"type": "bot_command", "offset": utf16_length(text[: m.start()]), "length": utf16_length(m.group())}
                for m in commands
            ]
            entities += [
                {"type": "mention", "offset": utf16_length(text[: m.start()]), "length": utf16_length(m.group())}
                for m in mentions
                if not any(c.start() <= m.start() < c.end() for c in commands)
            ]
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(extra)
        return message

    def send_text(self, chat_id: int, text: str, **kwargs: Any) -> dict:
        """Push a message update; returns the message (for reply_to and for finding the answer)."""
        message = self.message(chat_id, text, **kwargs)
        self.push_update({"message": message})
        return message

    def bot_message(self, chat_id: int, text: str, chat_type: str = "private") -> dict:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
            "from": self.bot_user,
            "text": text,
        }

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 15.0) -> Any:
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                result = predicate()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the bot did not do what the test waited for")
                # woken by the bot's calls; a predicate about something else (a file the bot writes) is
                # looked at again every 50 ms, not only at the bot's next call (a long poll lasts 10 s)
                self._condition.wait(min(remaining, 0.05))

    def replies_to(self, message: dict) -> list[SentMessage]:
        return [m for m in self.sent if m.reply_to == message["message_id"] and m.chat_id == message["chat"]["id"]]

    def messages_in(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def wait_reply(self, message: dict, timeout: float = 15.0) -> SentMessage:
        return self.wait_for(lambda: (self.replies_to(message) or [None])[0], timeout)

    def settle(self, timeout: float = 15.0) -> None:
        """Wait until the bot has handled the updates pushed so far: a marker question in a chat of its own is
        pushed after them and answered. Updates are fetched in order and the silent paths do no I/O, so a test
        that asserts "no reply" waits for this condition instead of sleeping."""
        chat = next(self._settle_chats)
        self.send_text(chat, "/help")
        self.wait_for(lambda: self.messages_in(chat), timeout)

    def called(self, method: str) -> list[dict]:
        return [params for name, params in self.calls if name == method]

    # -- the API ----------------------------------------------------------------------------------

    def handle(self, path: str, content_type: str, body: bytes) -> tuple[int, bytes, str]:
        path = unquote(path)  # httpx percent-encodes the ':' of the token in file URLs
        if path.startswith("/file/bot"):
            token, _, file_path = path[len("/file/bot") :].partition("/")
            if token != self.token or file_path not in self.files:
                return 404, b"Not Found", "text/plain"
            return 200, self.files[file_path], "application/octet-stream"
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", path.split("?")[0])
        if not match:
            return self._error(404, "Not Found")
        token, method = match.groups()
        if token != self.token:
            return self._error(401, "Unauthorized")
        params = self._params(content_type, body)
        with self._condition:
            self.calls.append((method, params))
            faults = self._faults.get(method)
            fault = faults.pop(0) if faults else None
            self._condition.notify_all()
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.status:
            with self._condition:
                self.rejected.append((method, fault.status, "injected"))
                self._condition.notify_all()
            if fault.status == 429:
                return self._error(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after or 1}",
                    {"retry_after": fault.retry_after or 1},
                )
            return self._error(fault.status, "Bad Gateway" if fault.status == 502 else "Injected error")
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        try:
            result = handler(params)
        except HtmlError as error:
            return self._reject(method, 400, f"Bad Request: can't parse entities: {error}")
        except _ApiError as error:
            return self._reject(method, error.status, error.description)
        return 200, json.dumps({"ok": True, "result": result}).encode(), "application/json"

    def _reject(self, method: str, status: int, description: str) -> tuple[int, bytes, str]:
        with self._condition:
            self.rejected.append((method, status, description))
            self._condition.notify_all()
        return self._error(status, description)

    @staticmethod
    def _error(status: int, description: str, parameters: dict | None = None) -> tuple[int, bytes, str]:
        payload = {"ok": False, "error_code": status, "description": description}
        if parameters:
            payload["parameters"] = parameters
        return status, json.dumps(payload).encode(), "application/json"

    @staticmethod
    def _params(content_type: str, body: bytes) -> dict:
        if not body:
            return {}
        if "json" in content_type:
            return json.loads(body)
        params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        for key in JSON_FIELDS & params.keys():
            params[key] = json.loads(params[key])
        return params

    def _rendered(self, params: dict) -> tuple[str, str]:
        raw = str(params.get("text", ""))
        text = parse_telegram_html(raw) if params.get("parse_mode", "").upper() == "HTML" else raw
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if utf16_length(text) > MAX_TEXT:
            raise _ApiError(400, "Bad Request: message is too long")
        return raw, text

    def _m_getMe(self, params: dict) -> dict:
        return self.bot_user

    def _m_deleteWebhook(self, params: dict) -> bool:
        return True

    def _m_setWebhook(self, params: dict) -> bool:
        return True

    def _m_getWebhookInfo(self, params: dict) -> dict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    def _m_setMyCommands(self, params: dict) -> bool:
        with self._condition:
            language = params.get("language_code") or ""
            self.commands_by_language[language] = params.get("commands", [])
            if not language:
                self.commands = params.get("commands", [])
            self._condition.notify_all()
        return True

    def _m_sendChatAction(self, params: dict) -> bool:
        return True

    def _m_getUpdates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._condition:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline and self._server is not None:
                self._condition.wait(min(0.5, max(0.0, deadline - time.monotonic())))
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            return self._updates[:limit]

    def _m_sendMessage(self, params: dict) -> dict:
        raw, text = self._rendered(params)
        chat_id = int(params["chat_id"])
        reply = params.get("reply_parameters") or {}
        reply_to = reply.get("message_id") or params.get("reply_to_message_id")
        message = SentMessage(
            "sendMessage",
            chat_id,
            next(self._message_ids),
            text,
            raw,
            int(reply_to) if reply_to else None,
            params.get("reply_markup"),
        )
        with self._condition:
            self.sent.append(message)
            self._condition.notify_all()
        result = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": self.chat(chat_id, "private" if chat_id > 0 else "supergroup"),
            "from": self.bot_user,
            "text": text,
        }
        if message.reply_markup:
            result["reply_markup"] = message.reply_markup
        return result

    def _m_editMessageText(self, params: dict) -> dict | bool:
        raw, text = self._rendered(params)
        if "inline_message_id" in params:
            with self._condition:
                self.edits.append(SentMessage("editMessageText", 0, 0, text, raw, None, params.get("reply_markup")))
                self._condition.notify_all()
            return True
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        with self._condition:
            original = next((m for m in self.sent if m.chat_id == chat_id and m.message_id == message_id), None)
            if original is None:
                raise _ApiError(400, "Bad Request: message to edit not found")
            if original.html == raw and original.reply_markup == params.get("reply_markup"):
                raise _ApiError(400, "Bad Request: message is not modified")
            edit = SentMessage(
                "editMessageText", chat_id, message_id, text, raw, original.reply_to, params.get("reply_markup")
            )
            self.edits.append(edit)
            original.html, original.text, original.reply_markup = raw, text, params.get("reply_markup")
            self._condition.notify_all()
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.bot_user,
            "text": text,
        }

    def _m_answerCallbackQuery(self, params: dict) -> bool:
        with self._condition:
            self.callback_answers.append(params)
            self._condition.notify_all()
        return True

    def _m_answerInlineQuery(self, params: dict) -> bool:
        for result in params.get("results", []):
            content = result.get("input_message_content") or {}
            if content.get("parse_mode", "").upper() == "HTML":
                parse_telegram_html(content.get("message_text", ""))
        with self._condition:
            self.inline_answers.append(params)
            self._condition.notify_all()
        return True

    def _m_getFile(self, params: dict) -> dict:
        file_id = params.get("file_id", "")
        if file_id not in self.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files[file_id]),
            "file_path": self.file_paths.get(file_id, file_id),
        }


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status, self.description = status, description
