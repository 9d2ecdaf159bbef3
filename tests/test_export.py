"""OpenSearch export: the files' structure and the analyzer mapping (no cluster is run here)."""

import json
import subprocess
import sys
from pathlib import Path

from index.analysis import load_word_list
from index.store import IndexReader
from support import REPO


def test_export_opensearch_writes_definition_and_bulk(seed_index: Path, tmp_path: Path):
    out = tmp_path / "export"
    result = subprocess.run(
        [sys.executable, "-m", "index", "export-opensearch", "--db", str(seed_index), str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    definition = json.loads((out / "index.json").read_text(encoding="utf-8"))
    meta = IndexReader(seed_index).meta
    similarity = definition["settings"]["index"]["similarity"]["policy_news_bm25"]
    assert similarity == {"type": "BM25", "k1": meta.k1, "b": meta.b}
    analysis = definition["settings"]["analysis"]
    analyzer = analysis["analyzer"]["policy_news_indonesian"]
    assert analyzer["tokenizer"] == "standard"
    assert analyzer["filter"] == [
        "lowercase",
        "policy_news_stop",
        "policy_news_dictionary_stems",
        "policy_news_protected_roots",
        "policy_news_stemmer",
    ]
    filters = analysis["filter"]
    assert set(filters["policy_news_stop"]["stopwords"]) == (
        load_word_list("stopwords_id.txt") | load_word_list("stopwords_extra_id.txt")
    ) - load_word_list("stopwords_kept_id.txt")
    rules = filters["policy_news_dictionary_stems"]["rules"]
    assert rules and all(" => " in rule for rule in rules)
    assert set(filters["policy_news_protected_roots"]["keywords"]) == load_word_list("protected_roots_id.txt")
    assert filters["policy_news_stemmer"] == {"type": "stemmer", "language": "indonesian"}
    properties = definition["mappings"]["properties"]
    assert (
        properties["text"]["analyzer"] == "policy_news_indonesian"
        and properties["text"]["similarity"] == "policy_news_bm25"
    )
    assert properties["doc_id"]["type"] == "keyword" and properties["url"] == {"type": "keyword", "index": False}

    lines = (out / "paragraphs.ndjson").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 * meta.paragraphs
    actions, documents = [json.loads(line) for line in lines[::2]], [json.loads(line) for line in lines[1::2]]
    assert all(set(a) == {"index"} and a["index"]["_index"] == "policy-news-paragraphs" for a in actions)
    assert len({a["index"]["_id"] for a in actions}) == meta.paragraphs
    assert all(set(d) == {"doc_id", "position", "heading", "text", "title", "source", "date", "url"} for d in documents)
    bigo = [d for d in documents if "pemblokiran aplikasi Bigo Live" in d["text"]]
    assert bigo and bigo[0]["source"] == "Liputan6.com" and bigo[0]["date"] == "2024-09-17"
    assert not any("Baca Juga" in d["text"] or "Advertisement" in d["text"] for d in documents)


def test_export_of_a_missing_index_fails_clearly(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "index", "export-opensearch", "--db", str(tmp_path / "none.db"), str(tmp_path / "o")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "python -m index build" in result.stderr
