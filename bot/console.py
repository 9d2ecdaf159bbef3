"""Console chat: questions on stdin, one per line, answers as plain text on stdout, until EOF or "quit"; /help,
/sources and /about as the bot has them."""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from typing import Iterator, TextIO

from index.followup import Conversations
from index.messages import QUIT_WORDS, reply_language, say
from index.present import MAX_LISTED_SOURCES, PLAIN, TERMINAL_BOLD, about_to_text, answer_to_text, sources_to_text
from index.search import AnswerService

# The bot's /sources lists this many newest articles (bot/render.py); so does the console's
SOURCES_SHOWN = 60
# Typed without a slash, these ask for help too (a console has no command menu to find /help in), in their own
# language; "?" in the user's
HELP_WORDS: dict[str, str | None] = {"help": "en", "bantuan": "id", "?": None}


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
    locale, in Indonesian otherwise. `interactive` (a terminal): a prompt with line editing and history
    (readline), the best sentence in bold. Returns how many questions were answered."""
    if interactive:
        import readline  # noqa: F401 - imported for its effect: input() gets line editing and history

        print(say("console_greeting", reply_language(None, user_language)), file=stdout)
    answered = 0
    conversation = Conversations()  # a follow-up ("kalau TikTok gimana?") borrows the previous question's topic
    while True:
        line = _read_question(stdin, stdout, interactive)
        if line is None:
            break
        question = line.strip()
        if not question:
            continue
        if question.lower() in QUIT_WORDS:
            break
        command = console_command(service, question, reply_language(None, user_language))
        if command is not None:
            if _command_word(question) == "/start":
                conversation.forget("console")  # a fresh start, as the bot's /start: no follow-up of what came before
            print(command, file=stdout, flush=True)
            if not interactive:
                print(file=stdout, flush=True)
            continue
        if _command_word(question) == "/ask":
            question = question.split(maxsplit=1)[1]  # not a command: it has a question after it
        answer = service.answer(question, previous=conversation.previous("console"))
        conversation.remember("console", answer.topic)
        text = answer_to_text(
            answer,
            language=reply_language(answer.language, user_language),
            emphasis=TERMINAL_BOLD if interactive else PLAIN,
            sources=service.documents(MAX_LISTED_SOURCES + 1) if not answer.answered and not answer.hits else None,
            total_sources=service.meta.documents,
        )
        print(text, file=stdout, flush=True)
        if not interactive:
            print(file=stdout, flush=True)
        answered += 1
    return answered


def _command_word(line: str) -> str | None:
    """ "/sources" of "/sources", "/Sources@SomeBot …"; None for a line that is not a command."""
    if not line.startswith("/"):
        return None
    return line.split(maxsplit=1)[0].split("@", 1)[0].lower()


def console_command(service: AnswerService, line: str, language: str) -> str | None:
    """What the console prints for a command line (/help, /start, /sources, /about, an unknown one, or a help word
    typed without its slash), or None for a question (/ask with a question is one)."""
    word = _command_word(line)
    if word is None:
        if line.lower() in HELP_WORDS:
            return say("console_help", HELP_WORDS[line.lower()] or language)
        return None
    if word in ("/help", "/start"):
        return say("console_help", language)
    if word == "/sources":
        return sources_to_text(service.documents(SOURCES_SHOWN), language, total=service.meta.documents)
    if word == "/about":
        service.refresh()  # right after a rebuild, the new build
        return about_to_text(service.meta, language)
    if word == "/ask":
        return None if line.split(maxsplit=1)[1:] else say("console_help", language)
    return say("console_unknown_command", language)


@contextmanager
def terminal_of_our_own(stdin: TextIO) -> Iterator[None]:
    """While the console chat runs on a terminal, its own process group is the terminal's foreground group, so
    Ctrl-C reaches the chat alone — not a `make run` around it, which otherwise reports "Interrupt" and exits by
    the signal although the chat ended cleanly. The previous foreground group gets the terminal back after. Run
    from a shell with job control we already lead the foreground group, and in the background the terminal is not
    ours: then nothing changes."""
    try:
        descriptor = stdin.fileno()
        previous = os.tcgetpgrp(descriptor)
    except (OSError, ValueError, AttributeError):
        yield  # not a terminal
        return
    if previous != os.getpgrp() or os.getpgrp() == os.getpid():
        yield  # in the background (not ours to take), or already the foreground group's leader (a shell's job)
        return
    ignored = signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # a background group may then set the foreground
    try:
        os.setpgid(0, 0)
        os.tcsetpgrp(descriptor, os.getpgrp())
    except OSError:
        signal.signal(signal.SIGTTOU, ignored)
        yield
        return
    try:
        yield
    finally:
        try:
            os.tcsetpgrp(descriptor, previous)
        except OSError:
            pass  # the group that had it is gone: its shell takes the terminal back itself
        signal.signal(signal.SIGTTOU, ignored)


def _read_question(stdin: TextIO, stdout: TextIO, interactive: bool) -> str | None:
    """The next line, or None at the end (Ctrl-D). On a terminal through input(), which readline edits."""
    if not interactive:
        return stdin.readline() or None
    print(file=stdout)
    try:
        return input("? ")
    except EOFError:
        return None
