"""`python -m bot` without a token: console chat over an index it builds itself."""

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
    assert "**ByteDance juga kembali menegaskan jika TikTok tak pernah membagikan data pengguna AS" in answers[0]
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
