"""Questions asked and 👍/👎 feedback, in their own SQLite file so they survive reindexing and restarts.

The only module in bot/ that writes SQL. Question text is stored here (for "More results" and for
admins' statistics), never written to the logs.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    question_id: int
    question: str
    language: str
    answered: bool
    index_build: str  # build id of the index that answered
    ranking: tuple[int, ...] = ()  # paragraph ids in the order shown: "More results" pages through exactly these


FEEDBACK_FILE_MODE = 0o600  # users' questions: readable by the bot's own user only


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # private before SQLite opens it; SQLite gives its -wal and -shm files the same mode
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, FEEDBACK_FILE_MODE))
        os.chmod(path, FEEDBACK_FILE_MODE)  # also a file made by an older version, world-readable
        self._lock = threading.Lock()
        self.db = sqlite_utils.Database(sqlite3.connect(path, check_same_thread=False))
        self.db.execute("PRAGMA journal_mode = WAL")
        if "questions" not in self.db.table_names():
            self.db["questions"].create(
                {
                    "question_id": int,
                    "asked_at": float,
                    "chat_type": str,
                    "language": str,
                    "answered": int,
                    "top_doc_id": str,
                    "index_build": str,
                    "question": str,
                    "ranking": str,
                },
                pk="question_id",
            )
        # feedback files from older versions: their questions' buttons read as out of date
        for column in ("index_build", "ranking"):
            if column not in self.db["questions"].columns_dict:
                self.db["questions"].add_column(column, str)
        if "feedback" not in self.db.table_names():
            self.db["feedback"].create(
                {"question_id": int, "user_id": int, "vote": int, "at": float},
                pk=("question_id", "user_id"),
                foreign_keys=[("question_id", "questions", "question_id")],
            )

    def log_question(
        self,
        question: str,
        *,
        chat_type: str,
        language: str,
        answered: bool,
        top_doc_id: str | None,
        index_build: str,
        ranking: tuple[int, ...] = (),
    ) -> int:
        with self._lock, self.db.conn:
            cursor = self.db.execute(
                "INSERT INTO questions (asked_at, chat_type, language, answered, top_doc_id, index_build, question, "
                "ranking) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    chat_type,
                    language,
                    int(answered),
                    top_doc_id,
                    index_build,
                    question,
                    ",".join(map(str, ranking)),
                ),
            )
            return int(cursor.lastrowid)

    def question(self, question_id: int) -> LoggedQuestion | None:
        with self._lock:
            row = self.db.execute(
                "SELECT question_id, question, language, answered, index_build, ranking FROM questions "
                "WHERE question_id = ?",
                (question_id,),
            ).fetchone()
        if row is None:
            return None
        ranking = tuple(int(part) for part in (row[5] or "").split(",") if part.isdigit())
        return LoggedQuestion(row[0], row[1], row[2], bool(row[3]), row[4] or "", ranking)

    def record_vote(self, question_id: int, user_id: int, vote: int) -> None:
        """One vote per user and answer; voting again replaces the earlier vote."""
        with self._lock, self.db.conn:
            self.db.execute(
                "INSERT INTO feedback (question_id, user_id, vote, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (question_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at",
                (question_id, user_id, vote, time.time()),
            )

    def stats(self, top: int = 5) -> dict[str, object]:
        with self._lock:
            asked, answered = self.db.execute("SELECT count(*), coalesce(sum(answered), 0) FROM questions").fetchone()
            up, down = self.db.execute(
                "SELECT coalesce(sum(vote > 0), 0), coalesce(sum(vote < 0), 0) FROM feedback"
            ).fetchone()
            unanswered = self.db.execute(
                "SELECT question, count(*) AS n FROM questions WHERE answered = 0 AND trim(question) != '' "
                "GROUP BY lower(trim(question)) ORDER BY n DESC, max(asked_at) DESC LIMIT ?",
                (top,),
            ).fetchall()
        return {"asked": asked, "answered": answered, "up": up, "down": down, "top_unanswered": unanswered}

    def close(self) -> None:
        self.db.conn.close()
