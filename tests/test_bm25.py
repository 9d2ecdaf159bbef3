"""Scores against the oracle: rank-bm25's BM25Okapi with Lucene's IDF."""

from contextlib import contextmanager
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.bm25 import BM25Params, Postings, merge_postings, top_k
from index.bm25_reference import coordinate, score_groups
from support import LuceneIdfBM25Okapi, oracle_coverage


@contextmanager
def scoring_path(path: str):  # type: ignore[no-untyped-def]
    """ "walk": the C kernel walks the essential lists (MaxScore); "sum": it adds up postings term at a time;
    "numpy": no kernel. Without a built kernel every path is numpy's."""
    import index.kernel as kernel

    if path == "numpy":
        with kernel.numpy_only():
            yield
        return
    before = kernel.WALK_COST_RATIO, kernel.WALK_COST_RATIO_WITH_COVERAGE
    kernel.WALK_COST_RATIO = kernel.WALK_COST_RATIO_WITH_COVERAGE = 1e18 if path == "walk" else 0.0
    try:
        yield
    finally:
        kernel.WALK_COST_RATIO, kernel.WALK_COST_RATIO_WITH_COVERAGE = before


PATHS = ["walk", "sum", "numpy"]


def postings_of(corpus: list[list[str]]) -> dict[str, Postings]:
    found: dict[str, tuple[list[int], list[int]]] = {}
    for pid, doc in enumerate(corpus):
        for term in sorted(set(doc)):
            ids, tfs = found.setdefault(term, ([], []))
            ids.append(pid)
            tfs.append(doc.count(term))
    return {t: Postings(np.array(i, dtype=np.int32), np.array(f, dtype=np.int32)) for t, (i, f) in found.items()}


def project_scores(corpus, query, params):
    postings = postings_of(corpus)
    lengths = np.array([len(d) for d in corpus], dtype=np.float64)
    distinct = list(dict.fromkeys(query))
    groups = [postings.get(t, Postings(np.zeros(0, np.int32), np.zeros(0, np.int32))) for t in distinct]
    ids, scores = score_groups(groups, [query.count(t) for t in distinct], lengths, params)
    dense = np.zeros(len(corpus))
    dense[ids] = scores
    return dense


VOCAB = [f"w{i}" for i in range(12)]
corpora = st.lists(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=25), min_size=1, max_size=30)
queries = st.lists(st.sampled_from(VOCAB + ["unseen"]), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(corpus=corpora, query=queries, k1=st.floats(0.01, 3.0), b=st.floats(0.0, 1.0))
def test_scores_equal_the_oracle(corpus, query, k1, b):
    # (k1 = 0 is left out: the oracle's dense loop divides 0 by 0 for paragraphs without the term)
    oracle = LuceneIdfBM25Okapi(corpus, k1=k1, b=b).get_scores(query)
    np.testing.assert_allclose(project_scores(corpus, query, BM25Params(k1, b)), oracle, rtol=0, atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(corpus=corpora, query=queries, k=st.integers(1, 10))
def test_top_k_is_the_oracle_ranking(corpus, query, k):
    oracle = LuceneIdfBM25Okapi(corpus, k1=1.2, b=0.75).get_scores(query)
    postings = postings_of(corpus)
    lengths = np.array([len(d) for d in corpus], dtype=np.float64)
    distinct = list(dict.fromkeys(query))
    ids, scores = score_groups(
        [postings.get(t, merge_postings([])) for t in distinct],
        [query.count(t) for t in distinct],
        lengths,
        BM25Params(),
    )
    expected = sorted((i for i in range(len(corpus)) if i in set(ids.tolist())), key=lambda i: (-oracle[i], i))[:k]
    got = top_k(ids, scores, k)
    assert [pid for pid, _ in got] == expected or np.allclose(
        [s for _, s in got], [oracle[i] for i in expected], atol=1e-9
    )


def test_synonym_set_is_one_term_by_hand():
    # three paragraphs; "blokir" and "pemblokiran" are one query term (Pirkola)
    corpus = [["blokir", "aplikasi"], ["pemblokiran", "pemblokiran", "situs", "judi"], ["judi", "online"]]
    postings = postings_of(corpus)
    merged = merge_postings([postings["blokir"], postings["pemblokiran"]])
    assert merged.paragraph_ids.tolist() == [0, 1] and merged.term_freqs.tolist() == [1, 2]
    lengths = np.array([2.0, 4.0, 2.0])
    ids, scores = score_groups([merged], [1.0], lengths, BM25Params(k1=1.2, b=0.75))
    n, df, avgdl = 3, 2, 8 / 3
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))  # df of the union = 2
    expected = [
        idf * 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2 / avgdl)),
        idf * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 4 / avgdl)),
    ]
    assert ids.tolist() == [0, 1]
    np.testing.assert_allclose(scores, expected, atol=1e-12)


def test_synonym_set_weighs_like_one_term_not_many():
    corpus = [["a1", "x"], ["a2", "x"], ["a3", "x"], ["b", "y"], ["z", "z"]]
    postings = postings_of(corpus)
    many = merge_postings([postings["a1"], postings["a2"], postings["a3"]])
    lengths = np.full(5, 2.0)
    _, scores_many = score_groups([many], [1.0], lengths, BM25Params())
    _, scores_one = score_groups([postings["b"]], [1.0], lengths, BM25Params())
    # a word with three translations, each in one paragraph, is a term with df 3: weaker than df 1
    assert scores_many.max() < scores_one.max()


def test_top_k_ties_break_by_paragraph_id():
    ids = np.array([5, 2, 9, 1], dtype=np.int32)
    scores = np.array([1.0, 2.0, 1.0, 1.0])
    assert top_k(ids, scores, 3) == [(2, 2.0), (1, 1.0), (5, 1.0)]
    assert top_k(ids, scores, 0) == []


def test_top_k_sorts_few_candidates_in_python_as_numpy_sorts_many(monkeypatch):
    """top_k sorts up to SMALL_TOP_K candidates in plain Python: the same order, ties by id, as its numpy path."""
    import index.bm25 as bm25

    rng = np.random.default_rng(17)
    for trial in range(300):
        n = int(rng.integers(1, 150))
        ids = rng.permutation(10_000)[:n].astype(np.int32)
        scores = rng.integers(0, 6, size=n) / 4.0  # many ties
        k = int(rng.integers(1, n + 3))
        monkeypatch.setattr(bm25, "SMALL_TOP_K", 10**9)
        in_python = bm25.top_k(ids, scores, k)
        monkeypatch.setattr(bm25, "SMALL_TOP_K", 0)
        assert bm25.top_k(ids, scores, k) == in_python, trial
        assert all(type(pid) is int and type(score) is float for pid, score in in_python)


def test_a_copy_of_loaded_postings_with_other_arrays_does_not_use_their_kernel_view(tmp_path):  # type: ignore[no-untyped-def]
    """The reader records where a loaded term's arrays are (Postings.kernel_view); a copy with other impacts or
    ids must be ranked from its own arrays."""
    from dataclasses import replace

    from index.bm25 import _own_view
    from index.kernel import kernel_enabled
    from index.store import IndexReader, build_index

    source = tmp_path / "a.jsonl"
    source.write_text('{"id": "d", "text": "Kominfo memblokir aplikasi."}\n', encoding="utf-8")
    build_index([source], tmp_path / "i.db")
    loaded = IndexReader(tmp_path / "i.db").postings("blokir")
    assert loaded.doc_freq == 1
    if kernel_enabled():
        assert _own_view(loaded) is loaded.kernel_view is not None
    halved = replace(loaded, impacts=(loaded.impacts / 2).astype(np.float32))
    assert halved.kernel_view is loaded.kernel_view and _own_view(halved) is None
    assert _own_view(replace(loaded, paragraph_ids=loaded.paragraph_ids.copy())) is None


def served(postings, norms, params, top):  # type: ignore[no-untyped-def]
    """Postings as the index reader serves them: float32 impacts and the positions of the `top` highest."""
    from dataclasses import replace

    from index.bm25 import best_impact_positions, impacts_of

    impacts = impacts_of(postings, norms, params).astype(np.float32)
    return replace(postings, impacts=impacts, impact_params=params, top_impacts=best_impact_positions(impacts, top))


def test_params_are_validated():
    with pytest.raises(ValueError):
        BM25Params(k1=-1)
    with pytest.raises(ValueError):
        BM25Params(b=1.5)


def test_term_in_every_paragraph_still_scores_positive():
    corpus = [["x", "a"], ["x", "b"], ["x"]]
    assert (project_scores(corpus, ["x"], BM25Params()) > 0).all()


@settings(max_examples=500, deadline=None)
@given(
    corpus=corpora,
    query=queries,
    k=st.integers(1, 12),
    k1=st.floats(0.01, 3.0),
    b=st.floats(0.0, 1.0),
    coordinated=st.booleans(),
    serving=st.booleans(),
    path=st.sampled_from(PATHS),
)
def test_serving_path_equals_the_oracle_and_leaves_the_accumulator_clean(
    corpus, query, k, k1, b, coordinated, serving, path
):
    """Plain: rank-bm25's scores. Coordinated: rank-bm25's scores × coverage from the token lists, and the
    plain reference (score_groups, then `coordinate` over every paragraph) agrees too. `serving`: as the index
    reader serves, with float32 impacts precomputed per posting and a float32 accumulator (approximate sums
    that only select the candidates, scored exactly after). `path`: how the candidates are selected
    (scoring_path)."""
    from dataclasses import replace

    from index.bm25 import impacts_of, length_norms, rank_with_accumulator

    params = BM25Params(k1, b)
    postings = postings_of(corpus)
    lengths = np.array([len(d) for d in corpus], dtype=np.float64)
    norms = length_norms(lengths, lengths.mean(), params)
    distinct = list(dict.fromkeys(query))
    groups = [postings.get(t, merge_postings([])) for t in distinct]
    if serving:
        groups = [
            replace(g, impacts=impacts_of(g, norms, params).astype(np.float32), impact_params=params)
            if g.doc_freq
            else g
            for g in groups
        ]
    weights = [query.count(t) for t in distinct]
    accumulator = np.zeros(len(corpus), dtype=np.float32 if serving else np.float64)
    scratch = np.zeros(len(corpus), dtype=np.float32)
    with scoring_path(path):
        got = rank_with_accumulator(
            groups, weights, norms, params, k, accumulator, coordinated=coordinated, scratch=scratch
        )
    oracle = LuceneIdfBM25Okapi(corpus, k1=k1, b=b).get_scores(query)
    if coordinated:
        oracle = oracle * np.array(oracle_coverage(corpus, query))
    matched = {i for t in distinct if t in postings for i in postings[t].paragraph_ids.tolist()}
    expected = sorted(matched, key=lambda i: (-oracle[i], i))[:k]
    assert len(got) == len(expected)
    np.testing.assert_allclose([s for _, s in got], [oracle[i] for i in expected], atol=1e-6)
    for pid, score in got:
        assert abs(score - oracle[pid]) < 1e-6
    if coordinated:
        ids, plain = score_groups(groups, weights, lengths, params)
        reference = dict(zip(ids.tolist(), coordinate(ids, plain, groups, weights, len(corpus)).tolist()))
        for pid, score in got:
            assert abs(score - reference[pid]) < 1e-9
    assert not accumulator.any() and not scratch.any()


@settings(max_examples=200, deadline=None)
@given(corpus=corpora, sets=st.lists(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=4), min_size=1, max_size=4))
def test_serving_path_equals_the_reference_for_synonym_sets(corpus, sets):
    from index.bm25 import length_norms, rank_with_accumulator

    postings = postings_of(corpus)
    groups = [merge_postings([postings[t] for t in dict.fromkeys(s) if t in postings]) for s in sets]
    lengths = np.array([len(d) for d in corpus], dtype=np.float64)
    ids, scores = score_groups(groups, [1.0] * len(groups), lengths, BM25Params())
    reference = dict(zip(ids.tolist(), scores.tolist()))
    got = rank_with_accumulator(
        groups,
        [1.0] * len(groups),
        length_norms(lengths, lengths.mean(), BM25Params()),
        BM25Params(),
        50,
        np.zeros(len(corpus)),
    )
    assert {pid for pid, _ in got} == set(reference)
    for pid, score in got:
        assert abs(score - reference[pid]) < 1e-9


def test_coverage_lets_the_paragraph_holding_more_of_the_question_win():
    # plain BM25 prefers the short paragraphs repeating part of the question (0: "c c", 2: "a b");
    # the long paragraph 1 is the only one holding all three words
    corpus = [["c", "c"], ["a", "b", "c"] + ["y"] * 8, ["a", "b"], ["a", "d"], ["b", "e"], ["f"], ["g"]]
    query = ["a", "b", "c"]
    plain = LuceneIdfBM25Okapi(corpus, k1=1.2, b=0.75).get_scores(query)
    coordinated = plain * np.array(oracle_coverage(corpus, query))
    assert int(np.argmax(plain)) == 2 and plain[1] < plain[0]
    assert int(np.argmax(coordinated)) == 1
    assert all(c <= p + 1e-12 for c, p in zip(coordinated, plain))  # coverage never raises a score
    # and the project's engine ranks exactly so, on the same postings
    from index.bm25 import length_norms, rank_with_accumulator

    postings = postings_of(corpus)
    lengths = np.array([len(d) for d in corpus], dtype=np.float64)
    norms = length_norms(lengths, float(lengths.mean()), BM25Params())
    ranked = rank_with_accumulator(
        [postings[t] for t in query], [1.0] * 3, norms, BM25Params(), 3, np.zeros(len(corpus)), coordinated=True
    )
    assert [pid for pid, _ in ranked] == sorted(range(len(corpus)), key=lambda i: (-coordinated[i], i))[:3]
    assert all(abs(score - coordinated[pid]) < 1e-9 for pid, score in ranked)


def test_coordinated_serving_path_looks_further_when_coverage_reorders_the_best_bm25_hits():
    from index.bm25 import length_norms, rank_with_accumulator

    # ten short paragraphs repeat "a" (high BM25, a third of the question's weight); paragraph 10, the only
    # one holding "a" and "b", ranks 12th by BM25 but first by BM25 × coverage: beyond the first round's
    # k·g = 6 candidate entries, so the serving path has to widen its search
    corpus = [["a", "a", "a"]] * 10 + [["a", "b", "x", "y", "z", "w"]] + [["b", "c"], ["c"], ["d"]] * 5
    postings = postings_of(corpus)
    groups, weights = [postings["a"], postings["b"]], [1.0, 1.0]
    lengths = np.array([len(d) for d in corpus], dtype=np.float64)
    params = BM25Params()
    ids, plain = score_groups(groups, weights, lengths, params)
    assert int(ids[np.argmax(plain)]) != 10
    expected = top_k(ids, coordinate(ids, plain, groups, weights, len(corpus)), 3)
    got = rank_with_accumulator(
        groups,
        weights,
        length_norms(lengths, lengths.mean(), params),
        params,
        3,
        np.zeros(len(corpus)),
        coordinated=True,
    )
    assert got[0][0] == 10
    assert [pid for pid, _ in got] == [pid for pid, _ in expected]
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], rtol=1e-12)


def ranks_as_the_reference(corpus: list[list[str]], questions, path: str) -> None:  # type: ignore[no-untyped-def]
    """Each question (terms, weights, k, coordinated) ranks through the serving path (float32 impacts, candidates
    selected by `path`, scored exactly) as the reference does: the same ids in order, ties by id, scores within
    1e-9; the buffers are left zeroed."""
    from index.bm25 import length_norms, rank_with_accumulator

    postings = postings_of(corpus)
    params = BM25Params()
    lengths = np.array([len(d) for d in corpus], dtype=np.float64)
    norms = length_norms(lengths, lengths.mean(), params)
    served_postings = {t: served(p, norms, params, top=25) for t, p in postings.items()}
    accumulator = np.zeros(len(corpus), dtype=np.float32)
    scratch = np.zeros(len(corpus), dtype=np.float32)
    for query, weights, k, coordinated in questions:
        groups = [postings[t] for t in query]
        ids, plain = score_groups(groups, weights, lengths, params)
        reference = coordinate(ids, plain, groups, weights, len(corpus)) if coordinated else plain
        expected = top_k(ids, reference, k)
        with scoring_path(path):
            got = rank_with_accumulator(
                [served_postings[t] for t in query],
                weights,
                norms,
                params,
                k,
                accumulator,
                coordinated=coordinated,
                scratch=scratch,
            )
        assert [pid for pid, _ in got] == [pid for pid, _ in expected]
        assert all(abs(a - b) < 1e-9 for (_, a), (_, b) in zip(got, expected))
        assert not accumulator.any() and not scratch.any()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("coordinated", [False, True])
def test_float32_selection_keeps_the_exact_top_k_among_thousands_of_near_ties(coordinated: bool, path: str):
    """Many paragraphs share a length and term frequencies, so their scores tie exactly or differ in the last
    bits: the float32 accumulator must still let the exact best k through, ties ordered by id."""
    rng = np.random.default_rng(5)
    vocabulary = [f"w{i}" for i in range(40)]
    corpus = [list(rng.choice(vocabulary, size=int(rng.choice([8, 9, 10])))) for _ in range(6000)]
    questions = []
    for _ in range(60):
        query = list(rng.choice(vocabulary, size=int(rng.integers(1, 6)), replace=False))
        questions.append((query, [1.0] * len(query), 10, coordinated))
    ranks_as_the_reference(corpus, questions, path)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("coordinated", [False, True])
def test_ties_found_in_a_later_term_list_still_rank_by_the_lower_id(coordinated: bool, path: str):
    """Paragraphs 0–99 hold only the question's second term, 100–199 only its first, with the same length,
    frequency and IDF: all 200 tie. Adding up term at a time finds the first term's paragraphs first, so the best
    3 are ids 0, 1, 2 only because ties are ordered by id after exact scoring, not by the order of finding."""
    corpus = [["second", f"pad{i}"] for i in range(100)] + [["first", f"pad{i}"] for i in range(100)]
    ranks_as_the_reference(corpus, [(["first", "second"], [1.0, 1.0], 3, coordinated)], path)


@pytest.mark.parametrize("path", PATHS)
def test_a_question_for_more_hits_than_the_kernels_kept_room_ranks_as_the_reference(path: str):
    """The kernel writes the best k into arrays kept per thread for up to RANKED_ROOM hits; more are written into
    arrays made for the question."""
    from index.kernel import RANKED_ROOM

    rng = np.random.default_rng(11)
    vocabulary = [f"w{i}" for i in range(20)]
    corpus = [list(rng.choice(vocabulary, size=int(rng.integers(3, 12)))) for _ in range(5000)]
    questions = [(["w1", "w2", "w3"], [1.0, 0.5, 2.0], k, c) for k in (RANKED_ROOM, RANKED_ROOM + 500) for c in (0, 1)]
    ranks_as_the_reference(corpus, questions, path)


@pytest.mark.parametrize("path", PATHS)
def test_a_one_term_question_deeper_than_the_kept_best_positions_ranks_as_the_reference(path: str):
    """The reader keeps a term's 25 best positions here: a question for its best 50 or 300, or whose 10th best
    ties with entries beyond them, looks deeper (or goes the full way) and still ranks as the reference does."""
    rng = np.random.default_rng(7)
    vocabulary = [f"w{i}" for i in range(12)]
    corpus = [list(rng.choice(vocabulary, size=int(rng.choice([8, 9])))) for _ in range(3000)]
    questions = [
        ([term], [1.0], k, coordinated)
        for term in vocabulary[:6]
        for k in (10, 50, 300)
        for coordinated in (False, True)
    ]
    ranks_as_the_reference(corpus, questions, path)


@pytest.mark.parametrize("path", PATHS)
def test_pruned_selection_keeps_the_exact_best_k_on_zipf_text(path: str):
    """The kernel walks paragraphs in order and skips those that cannot reach the k-th best so far (MaxScore):
    on text with a few common and many rare words, questions of 2–10 weighted terms and k from 1 to 20 rank as
    the reference does, plain and coordinated, ties by id."""
    rng = np.random.default_rng(23)
    vocabulary = [f"w{i}" for i in range(300)]
    frequency = 1 / np.arange(1, 301)
    corpus = [
        list(rng.choice(vocabulary, size=int(rng.integers(5, 60)), p=frequency / frequency.sum())) for _ in range(4000)
    ]
    present = sorted({t for paragraph in corpus for t in paragraph})
    questions = []
    for trial in range(120):
        query = list(rng.choice(present, size=int(rng.integers(2, 11)), replace=False))
        weights = [float(w) for w in rng.uniform(0.3, 3.0, size=len(query))]
        questions.append((query, weights, int(rng.choice([1, 5, 10, 20])), bool(trial % 2)))
    ranks_as_the_reference(corpus, questions, path)


def kernel_built() -> bool:
    from index.kernel import KERNEL

    return KERNEL is not None


def test_the_c_kernel_is_built_where_there_is_a_compiler():
    """`pip install -e .` builds index/_bm25kernel.c (setup.py) when a C compiler is there, as in CI; the
    numpy path (BM25_KERNEL=numpy, or no compiler) is tested beside it above."""
    import os
    import shutil

    from index.kernel import KERNEL

    if os.environ.get("BM25_KERNEL", "").lower() == "numpy":
        assert KERNEL is None
    else:
        assert (KERNEL is not None) == (shutil.which("cc") is not None or shutil.which("gcc") is not None)


@pytest.mark.skipif(not kernel_built(), reason="needs the C kernel: no C compiler here (its absence is tested above)")
def test_a_kernel_built_from_older_sources_is_not_used_and_nothing_breaks(tmp_path, caplog):
    """After an update without `pip install -e .` again, the built library lacks the newer functions: numpy serves
    (and says so) rather than the import failing."""
    import shutil
    import subprocess

    from index.kernel import load_library

    source = tmp_path / "old.c"
    source.write_text("long bm25_select(void) { return 0; }\n", encoding="utf-8")
    library = tmp_path / "old.so"
    compiler = shutil.which("cc") or shutil.which("gcc")
    subprocess.run([compiler, "-shared", "-fPIC", str(source), "-o", str(library)], check=True, timeout=60)
    assert load_library(str(library)) is None
    assert "not usable" in caplog.text and "pip install -e ." in caplog.text
    assert load_library(str(tmp_path / "missing.so")) is None


@pytest.mark.skipif(not kernel_built(), reason="needs the C kernel: no C compiler here (its absence is tested above)")
def test_the_kernel_scores_candidates_to_the_last_bit_as_numpy_does():
    from index.bm25 import _exact_scores, length_norms
    from index.kernel import numpy_only

    rng = np.random.default_rng(11)
    corpus = [list(rng.choice([f"w{i}" for i in range(30)], size=int(rng.integers(3, 40)))) for _ in range(3000)]
    postings = postings_of(corpus)
    lengths = np.array([len(d) for d in corpus], dtype=np.float64)
    params = BM25Params(1.1, 0.7)
    norms = length_norms(lengths, lengths.mean(), params)
    for trial in range(30):
        terms = list(rng.choice(sorted(postings), size=int(rng.integers(1, 8)), replace=False))
        present = []
        for term in terms:
            group = postings[term]
            if trial % 2:  # title bonuses, as the answer path has them
                group = Postings(group.paragraph_ids, group.term_freqs, rng.random(group.doc_freq) * 0.5)
            present.append((group, float(rng.random() * 3 + 0.1), float(rng.random())))
        candidates = np.unique(rng.integers(0, len(corpus), size=200)).astype(np.int32)
        for coordinated in (False, True):
            with numpy_only():
                expected = _exact_scores(candidates, present, norms, params, coordinated)
            assert np.array_equal(_exact_scores(candidates, present, norms, params, coordinated), expected)


@pytest.mark.skipif(not kernel_built(), reason="needs the C kernel: no C compiler here (its absence is tested above)")
@pytest.mark.parametrize("path", ["walk", "sum"])
def test_the_kernel_never_skips_a_paragraph_that_reaches_the_best_k(path: str):
    """Impacts close to each term's largest make the kernel's bounds tight, so a skip that is even slightly
    wrong (a paragraph whose bound is just above the k-th best so far) loses a paragraph of the best k. The
    candidates must hold the exact best k, by float64 sums, with and without coverage."""
    from index.kernel import select_candidates

    rng = np.random.default_rng(31)
    for trial in range(300):
        n_paragraphs, terms = 400, int(rng.integers(2, 7))
        ids = [
            np.sort(rng.choice(n_paragraphs, size=int(rng.integers(5, n_paragraphs)), replace=False)).astype(np.int32)
            for _ in range(terms)
        ]
        largest = rng.uniform(0.5, 3.0, size=terms)
        impacts = [(m * rng.uniform(0.97, 1.0, size=i.size)).astype(np.float32) for m, i in zip(largest, ids)]
        factors = [float(f) for f in rng.uniform(0.5, 2.0, size=terms)]
        shares = [f / sum(factors) for f in factors] if trial % 2 else None
        k = int(rng.integers(1, 11))
        sums, coverage = np.zeros(n_paragraphs), np.zeros(n_paragraphs)
        for i, c, f, sh in zip(ids, impacts, factors, shares or [0.0] * terms):
            sums[i] += c.astype(np.float64) * f
            coverage[i] += sh
        scores = sums * coverage if shares else sums
        touched = np.flatnonzero(sums > 0)
        best = {pid for pid, _ in top_k(touched.astype(np.int32), scores[touched], k)}
        tops = [np.argsort(-c, kind="stable")[: int(rng.integers(0, 40))] for c in impacts]
        accumulator, scratch = np.zeros(n_paragraphs, dtype=np.float32), np.zeros(n_paragraphs, dtype=np.float32)
        with scoring_path(path):
            candidates = select_candidates(ids, impacts, factors, shares, tops, accumulator, scratch, k, 2 * 1e-5)
        assert not accumulator.any() and not scratch.any()
        assert np.all(np.diff(candidates) > 0)
        # every paragraph of the best k (ties by id, as top_k orders them), whatever was skipped
        assert best <= set(candidates.tolist()), trial


def test_stored_postings_unpack_to_their_frequencies_and_the_impacts_impacts_of_gives():
    """The index reader's work per term loaded (stored_postings.unpack_postings, session 13): from the stored form
    (each term frequency with its paragraph's length) the frequencies, and float32 impacts to the last bit as
    impacts_of gives them from per-paragraph norms, in the kernel and in numpy alike."""
    from index.bm25 import impacts_of, length_norms
    from index.stored_postings import norms_by_length, pack_frequencies, unpack_postings
    from index.kernel import numpy_only

    rng = np.random.default_rng(41)
    for trial in range(40):
        n_paragraphs = int(rng.integers(1, 3000))
        lengths = rng.integers(0, 1500 if trial % 3 else 80, size=n_paragraphs).astype(np.int32)
        params = BM25Params(float(rng.uniform(0.1, 2.5)), float(rng.uniform(0, 1)))
        avg_length = float(lengths.mean()) or 1.0
        norms = length_norms(lengths, avg_length, params)
        ids = np.sort(rng.choice(n_paragraphs, size=int(rng.integers(1, n_paragraphs + 1)), replace=False))
        postings = Postings(
            ids.astype(np.int32), rng.integers(1, 300 if trial % 4 else 6, size=ids.size).astype(np.int32)
        )
        expected = impacts_of(postings, norms, params).astype(np.float32)
        packed = pack_frequencies(postings.term_freqs, lengths[ids])
        table = norms_by_length(avg_length, params)
        with numpy_only():
            by_numpy = unpack_postings(postings.paragraph_ids, packed, table, params)
        by_default = unpack_postings(postings.paragraph_ids, packed, table, params)  # the kernel where built
        assert by_numpy.term_freqs.dtype == np.int32
        if kernel_built():  # the kernel's frequencies are the stored ones, read where they are (no copy)
            assert np.shares_memory(by_default.term_freqs, packed)
        for unpacked in (by_numpy, by_default):
            assert np.array_equal(unpacked.term_freqs, postings.term_freqs)
            assert np.array_equal(unpacked.impacts, expected), trial
            assert unpacked.impact_params == params and unpacked.impacts[unpacked.top_impacts[0]] == expected.max()


def test_frequencies_and_lengths_beyond_what_a_posting_stores_are_refused():
    from index.stored_postings import pack_frequencies

    assert pack_frequencies(np.array([65535]), np.array([65535])).tolist() == [0xFFFFFFFF]
    with pytest.raises(ValueError, match="65535"):
        pack_frequencies(np.array([1]), np.array([65536]))
    with pytest.raises(ValueError, match="65535"):
        pack_frequencies(np.array([65536]), np.array([3]))


@pytest.mark.skipif(not kernel_built(), reason="needs the C kernel: no C compiler here (its absence is tested above)")
def test_the_kernel_finds_the_best_positions_as_a_full_sort_does():
    """The positions of the highest impacts, best first, ties by position (as a full sort orders them)."""
    from index.kernel import top_positions

    rng = np.random.default_rng(41)
    for trial in range(40):
        impacts = rng.uniform(0.01, 2.0, size=int(rng.integers(1, 3000))).astype(np.float32)
        if trial % 2:  # many exact ties
            impacts = np.round(impacts, 1).astype(np.float32)
        for count in (1, 5, 256, impacts.size + 3):
            expected = np.lexsort((np.arange(impacts.size), -impacts))[:count]
            assert np.array_equal(top_positions(impacts, count), expected)


def test_remembered_idfs_are_lucene_idf_to_the_bit(monkeypatch):
    """The IDFs a question takes from the memo are the ones numpy computes, the first time and after, and the memo
    stays bounded."""
    import index.bm25 as bm25

    monkeypatch.setattr(bm25, "_IDF_MEMO", {})
    monkeypatch.setattr(bm25, "IDF_MEMO_LIMIT", 50)
    rng = np.random.default_rng(5)
    for _ in range(30):
        n = int(rng.integers(1, 2_000_000))
        dfs = [int(df) for df in rng.integers(0, n + 1, size=int(rng.integers(1, 9)))]
        expected = bm25.lucene_idf(n, np.array(dfs, dtype=np.int64)).tolist()
        assert bm25.remembered_idfs(n, dfs) == expected  # computed
        assert bm25.remembered_idfs(n, dfs) == expected  # remembered
        assert len(bm25._IDF_MEMO) <= 50 + len(dfs)
    # the same document frequency in indexes of other sizes (after an add or a remove) is another IDF
    for n in (1_000, 2_000, 1_000):
        assert bm25.remembered_idfs(n, [5, 7]) == bm25.lucene_idf(n, np.array([5, 7], dtype=np.int64)).tolist()


@pytest.mark.skipif(not kernel_built(), reason="needs the C kernel: no C compiler here (its absence is tested above)")
def test_the_kernels_candidate_room_is_kept_per_thread_grown_and_bounded(monkeypatch):
    """Room for the kernel's candidates is reused while big enough, grown when not, made afresh (not kept) above
    the bound, and another thread gets its own; a question needing more room than the last still ranks exactly."""
    import threading

    from index import kernel

    monkeypatch.setattr(kernel, "_candidate_buffers", threading.local())
    ids, values = kernel._candidate_room(10)
    assert ids.size >= 10 and values.size == ids.size
    assert kernel._candidate_room(5)[0] is ids  # reused
    bigger, _ = kernel._candidate_room(ids.size + 1)
    assert bigger.size > ids.size and kernel._candidate_room(3)[0] is bigger
    huge, _ = kernel._candidate_room(kernel.KEPT_CANDIDATE_ROOM + 1)
    assert kernel._candidate_room(3)[0] is bigger and huge is not bigger  # the huge one was not kept
    other: list[np.ndarray] = []
    thread = threading.Thread(target=lambda: other.append(kernel._candidate_room(3)[0]))
    thread.start()
    thread.join()
    assert other[0] is not bigger
    # lists longer than the room first made: it grows between questions, and the ranking stays the oracle's
    rng = np.random.default_rng(8)
    monkeypatch.setattr(kernel, "_candidate_buffers", threading.local())
    for size in (100, 70_000, 150_000):
        ids_a = np.sort(rng.choice(400_000, size, replace=False)).astype(np.int32)
        ids_b = np.sort(rng.choice(400_000, size // 2, replace=False)).astype(np.int32)
        impacts = [rng.uniform(0.1, 2.0, a.size).astype(np.float32) for a in (ids_a, ids_b)]
        accumulator = np.zeros(400_000, dtype=np.float32)
        got = kernel.select_candidates(
            [ids_a, ids_b], impacts, [1.0, 1.5], None, [None, None], accumulator, None, 5, 1e-5
        )
        sums = np.zeros(400_000)
        np.add.at(sums, ids_a, impacts[0].astype(np.float64))
        np.add.at(sums, ids_b, impacts[1].astype(np.float64) * 1.5)
        best = set(np.argsort(-sums, kind="stable")[:5].tolist())
        assert best <= set(got.tolist())
        assert not accumulator.any()


def test_a_term_of_weight_zero_ranks_alike_with_and_without_the_kernel():
    """The kernel tells touched paragraphs by a sum above 0; a part that adds nothing leaves it to numpy."""
    from index.bm25 import length_norms, rank_with_accumulator
    from index.kernel import numpy_only

    corpus = [["a", "b"], ["b"], ["c"], ["b", "c"]]
    postings = postings_of(corpus)
    lengths = np.array([len(d) for d in corpus], dtype=np.float64)
    params = BM25Params()
    norms = length_norms(lengths, lengths.mean(), params)
    groups = [served(postings["a"], norms, params, 4), served(postings["b"], norms, params, 4)]
    ranked = rank_with_accumulator(groups, [1.0, 0.0], norms, params, 4, np.zeros(4, dtype=np.float32))
    with numpy_only():
        expected = rank_with_accumulator(groups, [1.0, 0.0], norms, params, 4, np.zeros(4, dtype=np.float32))
    assert ranked == expected and len(ranked) == 3  # b's paragraphs are there, with a score of 0 where b alone
