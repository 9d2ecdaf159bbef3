"""Search index: ingest, analysis, BM25 store and the answer service. The public API: `open_index` (index/api.py)."""

__all__ = ["Index", "RankedParagraph", "open_index"]


def __getattr__(name: str) -> object:
    # imported on first use, so that `import index.analysis` (build workers, the bot) does not load the answer path
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'index' has no attribute {name!r}")
