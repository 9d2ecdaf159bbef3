"""Spelling tolerance: candidate generation against a plain edit distance, and the service's use of it."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from index.search import AnswerService
from index.spelling import ALPHABET, MAX_CORRECTIONS, corrections, one_edit_away
from index.store import build_index


def damerau_distance(a: str, b: str) -> int:
    """Optimal string alignment distance, the textbook dynamic programme."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


words = st.text(alphabet="abcde", min_size=0, max_size=6)


@settings(max_examples=300, deadline=None)
@given(term=words, other=words)
def test_one_edit_away_is_exactly_distance_one(term: str, other: str):
    # over a small alphabet (ALPHABET holds it) so that near strings are drawn often
    assert set("abcde") <= set(ALPHABET)
    assert (other in one_edit_away(term)) == (damerau_distance(term, other) == 1)


def test_corrections_keep_the_first_letter_prefer_frequent_terms_and_skip_short_ones():
    index = {
        "padjajaran": 3,
        "padjadjaran": 0,
        "badjadjaran": 50,
        "padjadjara": 1,
        "padjadjarin": 9,
        "padjadjaxan": 2,
        "hutan": 40,
    }
    index = {t: n for t, n in index.items() if n}

    def doc_freqs(candidates):
        return {t: index[t] for t in candidates if t in index}

    assert corrections("padjadjaran", doc_freqs) == ("padjadjarin", "padjajaran", "padjadjaxan")[:MAX_CORRECTIONS]
    assert "badjadjaran" not in corrections("padjadjaran", doc_freqs)  # another first letter
    assert corrections("bhutan", doc_freqs) == ()  # too short: bhutan is not hutan (forest)
    assert corrections("padjadj4ran", doc_freqs) == ()  # not alphabetic


def test_overlong_terms_and_many_unknown_terms_are_bounded():
    from index.spelling import MAX_LENGTH

    asked: list[int] = []

    def doc_freqs(candidates):
        asked.append(len(list(candidates)))
        return {}

    assert corrections("a" * (MAX_LENGTH + 1), doc_freqs) == () and asked == []  # 2,000 letters: no lookup
    assert corrections("a" * MAX_LENGTH, doc_freqs) == () and len(asked) == 1


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_a_misspelt_name_finds_its_paragraph_and_says_so(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(
        corpus / "kampus.txt",
        "Universitas Padjajaran di Bandung membuka program studi baru tahun ini.\n\n"
        "Mahasiswa baru diterima pada bulan Agustus setelah ujian masuk.\n",
    )
    write(corpus / "hutan.txt", "Kebakaran hutan di Riau meluas sejak pekan lalu.\n")
    db = tmp_path / "index.db"
    build_index([corpus], db)
    service = AnswerService(db)
    answer = service.answer("Di kota apakah Universitas Padjadjaran berada?")
    assert answer.hits and "Padjajaran" in answer.hits[0].text
    assert ("Padjadjaran", ("padjajar",)) in answer.translations
    english = service.answer("Which city is Padjadjaran University in?")
    assert english.hits and "Padjajaran" in english.hits[0].text
    # lower-case words: corrected in Indonesian questions, and in English ones when the word has no translation
    # (issue 14.3: SQuAD's "What is an underbid?" over "underbids"); a translated word never is
    assert ("mahasiswi", ("mahasiswa",)) in service.answer("Kapan mahasiswi baru diterima?").translations
    english_word = service.answer("When were the new mahasiswi admitted?")
    assert english_word.language == "en" and ("mahasiswi", ("mahasiswa",)) in english_word.translations
    # a name one letter from a common word with another first letter is not "corrected" into it
    bhutan = service.answer("Apa warna bendera negara Bhutan?")
    assert not any(word == "Bhutan" for word, _ in bhutan.translations)


def test_a_question_of_many_unknown_words_looks_up_only_the_first_few(tmp_path: Path, monkeypatch):
    from index.spelling import MAX_TERMS_PER_QUESTION
    from index.store import IndexReader

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus / "a.txt", "Kominfo memblokir aplikasi judi daring pekan lalu.\n")
    db = tmp_path / "index.db"
    build_index([corpus], db)
    lookups: list[int] = []
    original = IndexReader.doc_freqs
    monkeypatch.setattr(IndexReader, "doc_freqs", lambda self, terms: lookups.append(1) or original(self, terms))
    words = " ".join(f"zqx{letter}wvutsr" for letter in "abcdefghijklmnop")  # 16 unknown 10-letter words
    answer = AnswerService(db).answer(f"kominfo {words}")
    assert len(lookups) == MAX_TERMS_PER_QUESTION
    assert not answer.answered


def test_a_typed_word_is_corrected_through_its_stem(seed_index):
    """Issue 13.5: "diblokr" is one edit from "diblokir", whose term is blokir; no edit of the term
    "diblokr" itself reaches blokir. The answer says what it corrected."""
    from index.analysis import get_analyzer
    from index.search import AnswerService

    found = corrections(
        "diblokr", lambda terms: {t: 1 for t in terms if t == "blokir"}, surface="diblokr", stem=get_analyzer().term
    )
    assert found == ("blokir",)
    answer = AnswerService(seed_index).answer("kenapa Bigo diblokr?")
    assert answer.answered and ("diblokr", ("blokir",)) in answer.translations
