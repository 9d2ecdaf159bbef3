"""Sense choice by co-occurrence (index/senses.py), on postings written out by hand."""

import numpy as np

from index.bm25 import EMPTY_POSTINGS, Postings, TermGroup
from index.senses import choose_senses, coherence

# paragraph → its terms; "siklus" (cycle) sits with "air" (water), "ritme" (rhythm) with "musik"
PARAGRAPHS = [
    {"siklus", "air", "hujan"},
    {"siklus", "air", "laut"},
    {"ritme", "musik"},
    {"ritme", "musik", "lagu"},
    {"ritme", "lagu"},
    {"laut", "ikan"},
]


def postings(term: str) -> Postings:
    ids = [pid for pid, terms in enumerate(PARAGRAPHS) if term in terms]
    if not ids:
        return EMPTY_POSTINGS
    return Postings(np.array(ids, dtype=np.int32), np.ones(len(ids), dtype=np.int32))


def choose(groups, choosable=lambda g: True):
    return choose_senses(tuple(groups), choosable, postings, len(PARAGRAPHS))


def test_the_sense_used_with_the_other_words_is_kept():
    cycle, water = TermGroup(("ritme", "siklus"), 1.0, "cycle"), TermGroup(("air",), 1.0, "water")
    groups, dropped = choose([cycle, water])
    assert groups == (TermGroup(("siklus",), 1.0, "cycle"), water)
    assert dropped == (("cycle", ("ritme",)),)
    # with other company the other sense wins: the choice comes from the corpus, not the dictionary's order
    groups, _ = choose([cycle, TermGroup(("musik",), 1.0, "music")])
    assert groups[0].terms == ("ritme",)


def test_without_evidence_every_sense_stays():
    cycle = TermGroup(("ritme", "siklus"), 1.0, "cycle")
    assert choose([cycle, TermGroup(("ikan",), 1.0, "fish")]) == ((cycle, TermGroup(("ikan",), 1.0, "fish")), ())
    assert choose([cycle]) == ((cycle,), ())  # a word alone has nothing to agree with


def test_groups_that_are_not_choosable_keep_all_their_terms():
    name = TermGroup(("ritme", "siklus"), 1.0, "Rhythm")  # e.g. a name with its aliases
    groups, dropped = choose([name, TermGroup(("air",), 1.0, "water")], choosable=lambda g: g.label.islower())
    assert groups[0] == name and dropped == ()


def test_coherence_grows_with_shared_paragraphs_and_rarer_company():
    assert (
        coherence(postings("siklus"), [postings("air")], 6) > coherence(postings("siklus"), [postings("laut")], 6) > 0
    )
    assert coherence(postings("ikan"), [postings("air")], 6) == 0.0
    assert coherence(EMPTY_POSTINGS, [postings("air")], 6) == 0.0


def test_the_answer_service_searches_and_shows_only_the_chosen_senses(seed_index):
    from index.search import AnswerService

    question = "What did the minister demand that Bigo Live do?"
    every = AnswerService(seed_index).answer(question)
    chosen = AnswerService(seed_index, sense_choice=True).answer(question)
    minister = {g.label: g.terms for g in every.query_terms}["minister"]
    kept = {g.label: g.terms for g in chosen.query_terms}["minister"]
    assert len(minister) > 1 and set(kept) < set(minister)  # some sense dropped, not all
    assert dict(chosen.translations)["minister"] == kept  # "searched:" shows what was searched
    assert {g.label: g.terms for g in chosen.query_terms}["Bigo"] == ("bigo",)  # names are never chosen among
