"""`python -m bot` without a token: console chat over an index it builds itself."""

import re
import subprocess
import sys
from pathlib import Path

from support import REPO


def run_bot(env: dict[str, str], stdin: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot"], cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def test_console_builds_missing_index_and_answers_until_eof(tmp_path: Path, env_without_token: dict[str, str]):
    env = {
        **env_without_token,
        "INDEX_DB": str(tmp_path / "idx" / "index.db"),
        "CORPUS_DIR": str(REPO / "corpus"),
        "LANG": "C.UTF-8",
    }
    result = run_bot(
        env, "Apakah TikTok membagikan data pengguna ke pemerintah China?\n\nSiapa presiden Prancis tahun 2022?\n"
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "idx" / "index.db").is_file()
    answers = result.stdout.strip().split("\n\n\n")
    assert "ByteDance juga kembali menegaskan jika TikTok tak pernah membagikan data pengguna AS" in answers[0]
    assert "**" not in result.stdout and "\033[" not in result.stdout  # piped: plain text, no markup of any kind
    assert "Saya tidak menemukan paragraf yang menjawab" in result.stdout  # Indonesian questions, no English locale
    assert "I could not find" not in result.stdout
    assert "Siapa presiden" not in result.stderr  # question text is not logged


def test_console_speaks_english_to_english_questions_and_english_locales(
    tmp_path: Path, env_without_token: dict[str, str]
):
    """Issue 14.5: the words around the excerpts follow the question's language, or the user's (the locale)."""
    env = {
        **env_without_token,
        "INDEX_DB": str(tmp_path / "index.db"),
        "CORPUS_DIR": str(REPO / "corpus"),
        "LANG": "C.UTF-8",
    }
    question = "Who is the president of France in 2022?\nSiapa presiden Prancis tahun 2022?\n"
    out = run_bot(env, question).stdout
    assert out.startswith("I could not find a paragraph") and "Try naming" in out
    assert out.index("Try naming") < out.index("Saya tidak menemukan paragraf") < out.index("Coba sebutkan")
    english_locale = run_bot({**env, "LANG": "en_GB.UTF-8"}, question).stdout
    assert english_locale.count("I could not find a paragraph") == 2 and "Saya tidak" not in english_locale


def test_console_ends_on_quit_without_searching_it(tmp_path: Path, env_without_token: dict[str, str]):
    env = {**env_without_token, "INDEX_DB": str(tmp_path / "index.db"), "CORPUS_DIR": str(REPO / "corpus")}
    result = run_bot(env, "Kenapa Bigo Live diancam diblokir?\nquit\nSiapa presiden Prancis tahun 2022?\n")
    alone = run_bot(env, "Kenapa Bigo Live diancam diblokir?\n")
    assert result.returncode == 0, result.stderr
    assert "Liputan6.com" in result.stdout and result.stdout == alone.stdout  # nothing answered after "quit"


def test_console_knows_the_bots_commands_and_never_searches_them(tmp_path: Path, env_without_token: dict[str, str]):
    """A user who knows the bot types its commands in the console: /help (or help, bantuan), /sources, /about answer
    as the bot's do, in plain text; an unknown command says so; /ask with a question asks it, alone it explains."""
    env = {
        **env_without_token,
        "INDEX_DB": str(tmp_path / "index.db"),
        "CORPUS_DIR": str(REPO / "corpus"),
        "LANG": "en_GB.UTF-8",
    }
    lines = "/help\n/sources\n/about@SomeBot\n/nonsense\n/ask\nbantuan\n/ask Why was Bigo threatened with blocking?\n"
    lines += "/start\nkapan?\n"  # after /start a follow-up has nothing to follow
    result = run_bot(env, lines)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # the help three times: /help, /ask alone, /start
    assert out.startswith("Type a question and press Enter") and out.count("Type a question") == 3
    articles = len(list((REPO / "corpus").iterdir()))
    assert f"{articles} articles indexed\n• Menkominfo Ancam Blokir, Bigo Live Perketat Aturan" in out
    assert re.search(rf"About this index\n{articles} articles, [1-9][0-9]* paragraphs, [1-9][0-9]* terms\nbuilt ", out)
    assert "I don't know that command. /help lists what I can do here." in out
    assert "Ketik pertanyaan lalu tekan Enter" in out  # "bantuan" is Indonesian for help
    assert "searched: ancaman ← threatened; pemblokiran ← blocking; the reason given in “Menkominfo" in out
    assert "from your previous question" not in out  # "kapan?" after /start borrows nothing
    assert out.count("I could not find") == 1 and "<b>" not in out  # only "kapan?" refused; no Telegram markup


def test_console_reports_a_broken_corpus_dir_politely(tmp_path: Path, env_without_token: dict[str, str]):
    env = {**env_without_token, "INDEX_DB": str(tmp_path / "i.db"), "CORPUS_DIR": str(tmp_path / "missing")}
    result = run_bot(env, "halo\n")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error:") and "no such file or directory" in result.stderr


def test_dotenv_is_read(tmp_path: Path, env_without_token: dict[str, str]):
    (tmp_path / ".env").write_text(
        f"INDEX_DB={tmp_path / 'from-dotenv.db'}\nCORPUS_DIR={REPO / 'corpus'}\n", encoding="utf-8"
    )
    env = {k: v for k, v in env_without_token.items() if k not in ("INDEX_DB", "CORPUS_DIR")}
    result = run_bot(env, "Kenapa Bigo Live diancam diblokir?\n", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-dotenv.db").is_file()
    assert "Liputan6.com" in result.stdout


def test_console_follow_ups_borrow_the_previous_question(tmp_path: Path, env_without_token: dict[str, str]):
    """Issue 13.10 in a console session: "why?" after a question about Bigo is about Bigo."""
    env = {
        **env_without_token,
        "INDEX_DB": str(tmp_path / "index.db"),
        "CORPUS_DIR": str(REPO / "corpus"),
        "LANG": "en_US.UTF-8",
    }
    result = run_bot(env, "why?\nKenapa Bigo Live diancam diblokir?\nkapan?\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # a follow-up as the very first message is a plain question: only the third borrows
    assert out.count("from your previous question") == 1
    assert out.startswith("I could not find a paragraph that answers this")
    assert "searched: from your previous question: Bigo, Live, diancam, diblokir" in out.rstrip().splitlines()[-1]


def test_a_refusal_with_nothing_matching_lists_the_articles(tmp_path: Path, env_without_token: dict[str, str]):
    env = {**env_without_token, "INDEX_DB": str(tmp_path / "index.db"), "CORPUS_DIR": str(REPO / "corpus")}
    out = run_bot({**env, "LANG": "en_US.UTF-8"}, "Qwxzvy plorkt?\n").stdout
    assert "What I know about:" in out
    assert "• Menkominfo Ancam Blokir, Bigo Live Perketat Aturan" in out and "(Liputan6.com, 2024-09-17)" in out


def _start_on_a_terminal(command: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    """The command on a new pseudo-terminal that is its controlling terminal (so Ctrl-C is a SIGINT), as a user's
    shell would start it; returns the process and the terminal's other end."""
    import os
    import pty

    main, terminal = pty.openpty()

    def own_terminal() -> None:
        import fcntl
        import termios

        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdin=terminal, stdout=terminal, stderr=subprocess.PIPE, preexec_fn=own_terminal
    )
    os.close(terminal)
    return process, main


def _wait_until_waiting_for_a_key(pid: int, seconds: float = 10.0) -> None:
    """Until the process sleeps in select/poll (readline waiting for a key), as Linux shows it in /proc: a Ctrl-C
    that arrives while readline still sets up the terminal after printing its prompt is only seen at the next key
    (Python's readline checks signals when its select is interrupted). Bounded; where /proc says nothing, returns
    when the time is up."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/wchan", encoding="ascii") as wchan, open(f"/proc/{pid}/syscall") as syscall:
                waiting_in, call = wchan.read(), syscall.read().split()[0]
        except (OSError, IndexError):
            waiting_in, call = "", ""
        # x86-64 poll, select, pselect6, ppoll; other architectures by the kernel function it sleeps in
        if call in {"7", "23", "270", "271"} or "poll" in waiting_in or "select" in waiting_in:
            return
        time.sleep(0.01)


def _only_child(pid: int) -> int:
    """The process's child (the chat under a stand-in for make); the process itself where /proc does not say."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as children:
            found = children.read().split()
    except OSError:
        found = []
    return int(found[0]) if len(found) == 1 else pid


def _read_until(fd: int, wanted: bytes, seconds: float = 120.0, required: bool = True) -> bytes:
    """What the terminal shows until `wanted` appears (bounded in time; not `required`: whatever came by then)."""
    import os
    import select
    import time

    seen = b""
    deadline = time.monotonic() + seconds
    while wanted not in seen:
        left = deadline - time.monotonic()
        if left <= 0 and not required:
            break
        assert left > 0, f"waited for {wanted!r}; the terminal showed {seen[-2000:]!r}"
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the other side closed (the process ended)
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_on_a_terminal_the_best_sentence_is_bold_and_ctrl_c_ends_cleanly(
    tmp_path: Path, env_without_token: dict[str, str]
):
    """Issue 15.5: a real pseudo-terminal, as a user's: terminal bold (never **), a prompt with readline, and
    Ctrl-C ending the chat with exit 0 and no traceback."""
    import os

    env = {**env_without_token, "INDEX_DB": str(tmp_path / "index.db"), "CORPUS_DIR": str(REPO / "corpus")}
    env["TERM"] = "dumb"  # readline without terminal control sequences of its own
    process, main = _start_on_a_terminal([sys.executable, "-m", "bot"], env)
    try:
        _read_until(main, b"? ")
        os.write(main, "Apakah TikTok membagikan data pengguna ke pemerintah China?\n".encode())
        shown = _read_until(main, b"\n? ")
        assert b"\033[1mByteDance juga kembali menegaskan" in shown and b"**" not in shown
        # Ctrl-C, as the terminal delivers it: SIGINT, once readline waits for a key. Pressed again if it still fell
        # in the instant before (Python then sees it only at the next key), as a user would; bounded.
        errors = b""
        for _ in range(5):
            _wait_until_waiting_for_a_key(process.pid)
            os.write(main, b"\x03")
            try:
                _, errors = process.communicate(timeout=12)  # reads stderr meanwhile: a full pipe cannot stall it
                break
            except subprocess.TimeoutExpired:
                continue
        assert process.returncode == 0, errors.decode(errors="replace")[-2000:]
        assert b"Traceback" not in errors
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)


def test_ctrl_c_reaches_the_chat_alone_not_a_make_around_it(tmp_path: Path, env_without_token: dict[str, str]):
    """Issue 15.5, "also under make run": make runs the chat in its own process group, so the terminal's Ctrl-C
    reached make too, which reported "Interrupt" and exited by the signal although the chat ended cleanly. Here a
    parent stands in for make (same process group, counts the SIGINTs it gets); the chat must take the terminal's
    foreground for itself and give it back."""
    import os

    env = {**env_without_token, "INDEX_DB": str(tmp_path / "index.db"), "CORPUS_DIR": str(REPO / "corpus")}
    env["TERM"] = "dumb"
    parent = (
        "import signal, subprocess, sys\n"
        "got = []\n"
        "signal.signal(signal.SIGINT, lambda *_: got.append(1))\n"
        "code = subprocess.call([sys.executable, '-m', 'bot'])\n"
        "print('PARENT', 'interrupted' if got else 'untouched', code, flush=True)\n"
    )
    process, main = _start_on_a_terminal([sys.executable, "-c", parent], env)
    try:
        _read_until(main, b"? ")
        seen = b""
        for _ in range(5):  # pressed again if the first fell between the prompt and readline's wait (bounded)
            _wait_until_waiting_for_a_key(_only_child(process.pid))
            os.write(main, b"\x03")
            seen += _read_until(main, b"PARENT", seconds=10, required=False)
            if b"PARENT" in seen:
                break
        seen += _read_until(main, b"\n", seconds=10, required=False)
        assert b"PARENT untouched 0" in seen, seen[-500:]
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)
