"""Console chat: questions on stdin, one per line, answers as plain text on stdout, until EOF."""
from __future__ import annotations

from typing import TextIO

from index.present import answer_to_text
from index.followup import Conversations
from index.search import AnswerService

GREETING = (
    "Ask about platform policy in the news, in English or Indonesian "
    "(e.g. \"Kenapa Bigo Live diancam diblokir?\"). Ctrl-D to quit."
)


def run_console(service: AnswerService, stdin: TextIO, stdout: TextIO, interactive: bool = False) -> int:
    if interactive:
        print(GREETING, file=stdout)
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
        answer = service.answer(question, previous=conversation.previous("console"))
        conversation.remember("console", answer.topic)
        print(answer_to_text(answer), file=stdout, flush=True)
        if not interactive:
            print(file=stdout, flush=True)
        answered += 1
    return answered
