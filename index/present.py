"""Answer → JSON (the CLI's contract) and → plain text (CLI without --json, console chat), and the console's
/sources and /about."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .messages import reply_language, say
from .search import Answer, Hit
from .store import IndexMeta


def hit_to_json(hit: Hit) -> dict[str, Any]:
    return {
        "doc_id": hit.doc_id,
        "position": hit.position,
        "heading": hit.citation.heading,
        "text": hit.text,
        "best_sentence": hit.best_sentence,
        "score": round(hit.score, 6),
        "title": hit.citation.title,
        "source": hit.citation.source,
        "date": hit.citation.date,
        "url": hit.citation.url,
        "gloss": dict(hit.gloss),  # for English questions: the excerpt's key Indonesian words in English
    }


def answer_to_json(answer: Answer) -> dict[str, Any]:
    return {
        "query": answer.query,
        "answered": answer.answered,
        "hits": [hit_to_json(h) for h in answer.hits],
        "language": answer.language,
        "translations": {word: list(terms) for word, terms in answer.translations},
    }


def searched_line(answer: Answer, language: str) -> str:
    """What was searched beyond the question's own words: translations ("blokir, pemblokiran ← blocking")
    and, for a why-question, where the reason words came from; empty when nothing was added."""
    written = dict(answer.written_as)
    parts = [
        f"{', '.join(dict.fromkeys(written.get(t, t) for t in terms))} ← {word}" for word, terms in answer.translations
    ]
    if answer.borrowed:
        parts.insert(0, say("searched_previous", language, words=", ".join(answer.borrowed)))
    if answer.focus_terms:
        parts.insert(0, say("searched_focus", language, words=", ".join(answer.focus_terms)))
    if answer.reason_terms:
        source = answer.reason_sources[0]
        source = source if len(source) <= 90 else source[:90].rsplit(" ", 1)[0] + " …"
        parts.append(say("searched_reason", language, source=source))
    return "; ".join(parts)


def citation_fields(hit: Hit) -> list[tuple[str, str]]:
    """What a citation shows, in order — outlet, title, date, link: whatever is known, nothing invented; the
    article's id when nothing is. One list for every renderer (plain text here, Telegram HTML in bot/render.py)."""
    c = hit.citation
    fields = [
        (kind, value)
        for kind, value in (("source", c.source), ("title", c.title), ("date", c.date), ("url", c.url))
        if value
    ]
    return fields or [("doc_id", hit.doc_id)]


def citation_line(hit: Hit) -> str:
    return " · ".join(f"“{value}”" if kind == "title" else value for kind, value in citation_fields(hit))


def gloss_line(hit: Hit, language: str) -> str:
    """ "words: blokir = block; judi = gambling" for an English reader, or "" when there is no gloss."""
    if not hit.gloss:
        return ""
    return say("gloss", language, words="; ".join(f"{word} = {meaning}" for word, meaning in hit.gloss))


# How the best sentence stands out in plain text: nothing when piped or in a file, terminal bold on a terminal
# (never literal **asterisks**, which a console shows as they are).
PLAIN = ("", "")
TERMINAL_BOLD = ("\033[1m", "\033[0m")
MAX_LISTED_SOURCES = 8


def same_article_as(hits: list[Hit], first_number: int = 1) -> list[int | None]:
    """For each hit, the number of an earlier hit of the same article (whose citation was already shown), or None:
    the excerpts of one article share one citation line."""
    first_of: dict[str, int] = {}
    shared: list[int | None] = []
    for number, hit in enumerate(hits, start=first_number):
        shared.append(first_of.get(hit.doc_id))
        first_of.setdefault(hit.doc_id, number)
    return shared


def _hit_text(
    hit: Hit, number: int | None, language: str, emphasis: tuple[str, str] = PLAIN, same_as: int | None = None
) -> str:
    heading = f"[{hit.citation.heading}]\n" if hit.citation.heading else ""
    start, end = emphasis
    highlighted = hit.text.replace(hit.best_sentence, f"{start}{hit.best_sentence}{end}", 1) if start else hit.text
    glossed = f"\n   {line}" if (line := gloss_line(hit, language)) else ""
    cited = say("same_article", language, number=same_as) if same_as else citation_line(hit)
    return f"{f'{number}. ' if number else ''}{heading}{highlighted}\n   — {cited}{glossed}"


def source_fields(source: dict[str, object]) -> tuple[str, list[tuple[str, str]], str]:
    """One article the index holds, as every renderer lists it: title (else id), outlet and date, URL."""
    title = str(source.get("title") or source.get("doc_id") or "")
    details = [(name, str(source[name])) for name in ("source", "date") if source.get(name)]
    return title, details, str(source.get("url") or "")


@dataclass(frozen=True, slots=True)
class Refusal:
    """What every renderer shows for "I don't know", in this order: the refusal; the closest paragraph (marked as
    possibly not the answer) when something matched; the searched line; how to rephrase; and, when nothing matched
    at all, the articles the index holds (the first few, then how many more)."""

    closest: Hit | None
    listed_sources: list[dict[str, object]]
    more_sources: int


def refusal_of(
    answer: Answer,
    sources: list[dict[str, object]] | None,
    max_sources: int = MAX_LISTED_SOURCES,
    total: int | None = None,
) -> Refusal:
    """`sources`: the newest articles (at least `max_sources` of them when the index has that many); `total`: how
    many the index holds, when `sources` is only the first few."""
    if answer.hits:
        return Refusal(answer.hits[0], [], 0)
    sources = sources or []
    listed = sources[:max_sources]
    return Refusal(None, listed, max((len(sources) if total is None else total) - len(listed), 0))


def source_text(source: dict[str, object]) -> str:
    """One article the index holds, for a refusal's "what I know about" list."""
    title, details, _url = source_fields(source)
    shown = ", ".join(value for _, value in details)
    return f"• {title}" + (f" ({shown})" if shown else "")


def answer_to_text(
    answer: Answer,
    limit: int = 3,
    language: str | None = None,
    *,
    emphasis: tuple[str, str] = PLAIN,
    sources: list[dict[str, object]] | None = None,
    total_sources: int | None = None,
) -> str:
    """Plain text (console, CLI); the words around the excerpts in `language`, by default the question's.
    `emphasis` marks the best sentence (PLAIN, TERMINAL_BOLD); `sources`, the articles the index holds, are
    listed under a refusal that found nothing at all, as the bot's refusal does."""
    language = language or reply_language(answer.language)
    searched = searched_line(answer, language)
    if not answer.answered:
        refusal = refusal_of(answer, sources, total=total_sources)
        blocks = [say("no_answer", language)]
        if refusal.closest:
            blocks.append(f"{say('closest_label', language)}\n{_hit_text(refusal.closest, None, language, emphasis)}")
        if searched:
            blocks.append(say("searched", language, what=searched))
        blocks.append(say("rephrase_tip", language))
        if refusal.listed_sources:
            listed = [source_text(s) for s in refusal.listed_sources]
            if refusal.more_sources:
                listed.append(say("and_more_plain", language, count=refusal.more_sources))
            blocks.append("\n".join([say("what_i_know", language), *listed]))
        return "\n\n".join(blocks)
    shown = list(answer.hits[:limit])
    blocks = [
        _hit_text(hit, number, language, emphasis, same_as)
        for (number, hit), same_as in zip(enumerate(shown, start=1), same_article_as(shown))
    ]
    if searched:
        blocks.append(say("searched", language, what=searched))
    return "\n\n".join(blocks)


def sources_to_text(sources: list[dict[str, object]], language: str, total: int | None = None) -> str:
    """The console's /sources: the newest articles, one a line; `total`, how many the index holds when `sources`
    is only the first of them."""
    total = len(sources) if total is None else total
    if not sources:
        return say("no_sources", language)
    lines = [say("sources_header", language, count=total), *(source_text(s) for s in sources)]
    if total > len(sources):
        lines.append(say("and_more_plain", language, count=total - len(sources)))
    return "\n".join(lines)


def about_fields(meta: IndexMeta) -> dict[str, object]:
    """What the "about" message says of an index (the console's /about, the bot's, which escapes the text for HTML)."""
    return {
        "documents": meta.documents,
        "paragraphs": meta.paragraphs,
        "terms": meta.terms,
        "built_at": meta.built_at,
        "analyzer": meta.analyzer,
        "version": meta.analyzer_version,
        "k1": meta.k1,
        "b": meta.b,
    }


def about_to_text(meta: IndexMeta, language: str) -> str:
    """The console's /about: the index's size, build time and ranking parameters."""
    return say("about", language, **about_fields(meta))
