"""Console chat: questions on stdin, one per line, answers as plain text on stdout, until EOF or "quit"."""

from __future__ import annotations

import os
from typing import TextIO

from index.followup import Conversations
from index.messages import QUIT_WORDS, reply_language, say
from index.present import answer_to_text
from index.search import AnswerService


def locale_language(environ: dict[str, str] | os._Environ[str] = os.environ) -> str | None:
    """The console user's language from the locale (LC_ALL, LC_MESSAGES, LANG): "en_GB.UTF-8" → "en"."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := environ.get(name):
            return value.split(".")[0].split("_")[0].lower()
    return None


def run_console(
    service: AnswerService,
    stdin: TextIO,
    stdout: TextIO,
    interactive: bool = False,
    user_language: str | None = None,
) -> int:
    """Answer each line; the words around the excerpts in English for English questions or an English
    locale, in Indonesian otherwise. Returns how many questions were answered."""
    if interactive:
        print(say("console_greeting", reply_language(None, user_language)), file=stdout)
    answered = 0
    conversation = Conversations()  # a follow-up ("kalau TikTok gimana?") borrows the previous question's topic
    while True:
        if interactive:
            print("\n? ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            break
        question = line.strip()
        if not question:
            continue
        if question.lower() in QUIT_WORDS:
            break
        answer = service.answer(question, previous=conversation.previous("console"))
        conversation.remember("console", answer.topic)
        print(answer_to_text(answer, language=reply_language(answer.language, user_language)), file=stdout, flush=True)
        if not interactive:
            print(file=stdout, flush=True)
        answered += 1
    return answered
