"""Search index: ingest, analysis, BM25 store and the answer service."""
