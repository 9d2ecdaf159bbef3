"""Export an index for OpenSearch: an index definition equivalent to ours and a bulk NDJSON file.

`index.json` holds settings (our stop words, the Indonesian stemmer with our protected roots as a
keyword marker, BM25 with our k1 and b) and mappings (text and heading analysed, citation fields as
keywords). `paragraphs.ndjson` is the bulk body: an action line and a document line per paragraph.
docs/scaling.md says when to move and what differs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .analysis import AnalyzerSpec, get_analyzer, load_word_list, normalize, tokenize
from .store import IndexReader

INDEX_NAME = "policy-news-paragraphs"
ANALYZER_NAME = "policy_news_indonesian"


def hybrid_overrides(reader: IndexReader) -> list[str]:
    """ "word => stem" for each word of the indexed paragraphs that the hybrid stemmer stems differently
    from Snowball with protected roots (OpenSearch's chain: override, keyword marker, Snowball)."""
    hybrid = get_analyzer(AnalyzerSpec(stemmer="hybrid"))
    snowball_kw = get_analyzer(AnalyzerSpec(stemmer="snowball-kw"))
    words: set[str] = set()
    for (text,) in reader.db.execute("SELECT text FROM paragraphs"):
        words.update(token for token in tokenize(normalize(text)) if token.isalpha())
    rules = []
    for word in sorted(words):
        ours = hybrid.term(word)
        if ours is not None and ours != snowball_kw.term(word):
            rules.append(f"{word} => {ours}")
    return rules


def index_definition(reader: IndexReader) -> dict[str, Any]:
    meta = reader.meta
    spec = meta.analyzer_spec
    filters: dict[str, Any] = {}
    chain = ["lowercase"]
    if spec.stopwords:
        filters["policy_news_stop"] = {"type": "stop", "stopwords": sorted(get_analyzer(spec).stopwords)}
        chain.append("policy_news_stop")
    if spec.stemmer == "hybrid":
        # where Sastrawi's dictionary corrects Snowball, the corpus's words are mapped as our analyzer does
        filters["policy_news_dictionary_stems"] = {"type": "stemmer_override", "rules": hybrid_overrides(reader)}
        chain.append("policy_news_dictionary_stems")
    if spec.stemmer in ("snowball-kw", "hybrid"):
        filters["policy_news_protected_roots"] = {
            "type": "keyword_marker",
            "keywords": sorted(load_word_list("protected_roots_id.txt")),
        }
        chain.append("policy_news_protected_roots")
    if spec.stemmer != "none":
        # Lucene's IndonesianStemFilter implements Tala's algorithm, as Snowball's Indonesian does
        filters["policy_news_stemmer"] = {"type": "stemmer", "language": "indonesian"}
        chain.append("policy_news_stemmer")
    text_field = {"type": "text", "analyzer": ANALYZER_NAME, "similarity": "policy_news_bm25"}
    return {
        "settings": {
            "index": {
                "number_of_shards": 1,
                "similarity": {"policy_news_bm25": {"type": "BM25", "k1": meta.k1, "b": meta.b}},
            },
            "analysis": {
                "char_filter": {
                    "policy_news_zero_width": {
                        "type": "pattern_replace",
                        "pattern": "[\\u00ad\\u200b-\\u200f\\u2060-\\u2063\\ufeff]",
                        "replacement": "",
                    }
                },
                "filter": filters,
                "analyzer": {
                    ANALYZER_NAME: {
                        "type": "custom",
                        "char_filter": ["policy_news_zero_width"],
                        "tokenizer": "standard",
                        "filter": chain,
                    }
                },
            },
        },
        "mappings": {
            "properties": {
                "text": text_field,
                "heading": text_field,
                "doc_id": {"type": "keyword"},
                "position": {"type": "integer"},
                "title": {
                    "type": "text",
                    "analyzer": ANALYZER_NAME,
                    "fields": {"raw": {"type": "keyword", "ignore_above": 512}},
                },
                "source": {"type": "keyword"},
                "date": {"type": "date", "format": "strict_date_optional_time", "ignore_malformed": True},
                "url": {"type": "keyword", "index": False},
            }
        },
        "_meta": {
            "exported_from": str(reader.path),
            "analyzer": f"{meta.analyzer} v{meta.analyzer_version}",
            "corpus_fingerprint": meta.corpus_fingerprint,
            "built_at": meta.built_at,
            "paragraphs": meta.paragraphs,
        },
    }


def export_opensearch(db_path: Path, out_dir: Path, batch: int = 5000) -> tuple[Path, Path, int]:
    """Write index.json and paragraphs.ndjson into out_dir; returns their paths and the paragraph count."""
    reader = IndexReader(db_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    definition_path = out_dir / "index.json"
    definition_path.write_text(
        json.dumps(index_definition(reader), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    bulk_path = out_dir / "paragraphs.ndjson"
    count = 0
    with bulk_path.open("w", encoding="utf-8") as handle:
        for start in range(0, reader.meta.slots, batch):
            records = reader.paragraphs(reader.live_paragraph_ids(start, start + batch))
            for paragraph_id in sorted(records):
                r = records[paragraph_id]
                action = {"index": {"_index": INDEX_NAME, "_id": f"{r.doc_id}:{r.position}"}}
                document = {
                    "doc_id": r.doc_id,
                    "position": r.position,
                    "heading": r.heading,
                    "text": r.text,
                    "title": r.title,
                    "source": r.source,
                    "date": r.date or None,
                    "url": r.url,
                }
                handle.write(
                    json.dumps(action, ensure_ascii=False) + "\n" + json.dumps(document, ensure_ascii=False) + "\n"
                )
                count += 1
    reader.close()
    return definition_path, bulk_path, count
