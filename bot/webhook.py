"""The webhook server: the secret token is checked on the headers, before any of the body is read.

PTB's own webhook server reads the whole body before checking the secret, and answers 400 to an
update it cannot parse, which Telegram then redelivers forever. Here a request with a wrong or missing
secret gets 403 at once, a body over MAX_BODY_BYTES gets 413, and an update the library cannot read
is skipped with 200 (logged once, without content) like any other.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal
from http import HTTPStatus

import tornado.web
from tornado.httpserver import HTTPServer
from telegram import Update
from telegram.ext import Application

from .config import Settings
from .updates import parse_update

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # Telegram's updates are a few KB; this bounds what a stranger can make us hold
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class WebhookHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, bot_application: Application, secret: str) -> None:
        self.bot_application = bot_application  # not `application`: tornado's own attribute
        self.secret = secret
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        """Runs when the headers have arrived and before the body is read."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_BODY_BYTES:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        self.chunks.append(chunk)

    async def post(self) -> None:
        try:
            data = json.loads(b"".join(self.chunks))
        except ValueError:
            log.warning("skipped a webhook body that is not JSON (%d bytes)", self.size)
            data = None
        update = parse_update(data, self.bot_application.bot) if data is not None else None
        if update is not None:
            await self.bot_application.update_queue.put(update)
        self.set_status(HTTPStatus.OK)  # also for a skipped update: Telegram must not redeliver it

    def log_exception(self, typ, value, tb) -> None:  # type: ignore[no-untyped-def]
        if isinstance(value, tornado.web.HTTPError):
            log.info("webhook request refused: %s", value.status_code)  # never the body or headers
        else:
            log.error("webhook handler failed", exc_info=(typ, value, tb))


async def serve_webhook(application: Application, settings: Settings) -> None:
    """Run the bot on webhooks until SIGTERM or SIGINT."""
    routes = [
        (
            rf"/{settings.webhook_path}/?",
            WebhookHandler,
            {"bot_application": application, "secret": settings.webhook_secret},
        )
    ]
    server = HTTPServer(
        tornado.web.Application(routes, log_function=lambda handler: None),
        max_body_size=MAX_BODY_BYTES,
        idle_connection_timeout=60,
        body_timeout=30,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        server.listen(settings.port, address=settings.webhook_listen)
        await application.bot.set_webhook(
            url=settings.webhook_url, secret_token=settings.webhook_secret, allowed_updates=Update.ALL_TYPES
        )
        log.info("webhook server listening on %s:%d", settings.webhook_listen, settings.port)
        await stop.wait()
    finally:
        server.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
