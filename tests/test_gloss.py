"""The gloss for English readers (issue 14.6): an excerpt's key Indonesian words with their English meaning."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from index.analysis import get_analyzer
from index.gloss import MAX_GLOSSED_WORDS, gloss
from index.present import answer_to_text
from index.search import AnswerService
from support import REPO

TEXT = "Kominfo mengancam memblokir Bigo Live karena konten judi online dan pornografi pada 2024."


def test_matched_words_are_glossed_as_written_names_and_numbers_are_not():
    analyzer = get_analyzer()
    glossed = dict(gloss(TEXT, analyzer.analyze(TEXT), analyzer))
    assert (
        glossed["memblokir"].startswith("block") and "gambl" in glossed["judi"] and "threaten" in glossed["mengancam"]
    )
    assert not {"Kominfo", "kominfo", "bigo", "2024", "online"} & set(glossed)  # names, numbers, same-spelt words


def test_a_two_word_phrase_is_glossed_as_the_phrase_not_as_its_words():
    """ "bertanggung jawab" is responsible; its first word alone reads as FreeDict's "tanggung" (medium) and its
    second as "jawab" (answer)."""
    analyzer = get_analyzer()
    text = "Platform digital harus bertanggung jawab atas konten pengguna, kata menteri."
    glossed = dict(gloss(text, analyzer.analyze(text), analyzer))
    assert "responsible" in glossed["bertanggung jawab"]
    assert not {"bertanggung", "jawab"} & set(glossed) and "medium" not in " ".join(glossed.values())
    text = "DPR membahas tanggung jawab platform atas data pengguna."
    glossed = dict(gloss(text, analyzer.analyze(text), analyzer))
    assert "responsibility" in glossed["tanggung jawab"] and "tanggung" not in glossed


def test_a_common_word_opening_a_sentence_is_glossed_a_name_is_not():
    analyzer = get_analyzer()
    text = 'Pemerintah memblokir situs itu. "Menteri akan bertindak," kata Budi, pejabat Kominfo.'
    glossed = dict(gloss(text, analyzer.analyze(text), analyzer))
    assert glossed["pemerintah"] == "government" and glossed["menteri"].startswith("minister")
    assert not {"budi", "kominfo"} & set(glossed)  # capitalised inside a sentence: names


def test_the_order_follows_the_wanted_terms_and_the_limit_holds():
    analyzer = get_analyzer()
    wanted = [analyzer.term("judi"), analyzer.term("memblokir")]
    assert [word for word, _ in gloss(TEXT, wanted, analyzer)] == ["judi", "memblokir"]
    long_text = " ".join(
        ["pemblokiran judi pornografi hukum kantor berlaku terbatas permasalahan sorotan akun ratusan"] * 2
    )
    assert len(gloss(long_text, analyzer.analyze(long_text), analyzer)) == MAX_GLOSSED_WORDS


def test_english_answers_carry_a_gloss_indonesian_ones_do_not(seed_index: Path):
    service = AnswerService(seed_index)
    english = service.answer("why was Bigo threatened with blocking?")
    assert english.language == "en" and all(hit.gloss for hit in english.hits)
    assert any(meaning.startswith("block") for hit in english.hits for word, meaning in hit.gloss)
    assert "\n   words: " in answer_to_text(english)
    indonesian = service.answer("Kenapa Bigo Live diancam diblokir?")
    assert not any(hit.gloss for hit in indonesian.hits) and "words:" not in answer_to_text(indonesian)


def test_the_cli_json_has_a_gloss_per_hit(seed_index: Path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "index",
            "search",
            "--db",
            str(seed_index),
            "--json",
            "--no-semantic",
            "Does TikTok share user data with the Chinese government?",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    data = json.loads(result.stdout)
    assert data["hits"] and all(isinstance(hit["gloss"], dict) for hit in data["hits"])
    assert any("data" != word and meaning for word, meaning in data["hits"][0]["gloss"].items())
