"""Answer → Telegram HTML messages and button data. Pure: strings in, strings out.

Everything from the corpus or the user goes through html.escape. Messages stay under Telegram's
4096-character limit (counted in UTF-16 code units, as Telegram counts), splitting between excerpts
and shortening a single excerpt that would not fit on its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from html import escape

from index.feeds import FeedState
from index.messages import say
from index.present import (
    about_fields,
    citation_fields,
    gloss_line,
    refusal_of,
    same_article_as,
    searched_line,
    source_fields,
)
from index.search import Answer, Hit
from index.store import IndexMeta

MESSAGE_LIMIT = 4096
BUDGET = 3900  # headroom below the limit for the joins between blocks
# The longest any corpus field is shown: an index built elsewhere may hold a 5,000-character title,
# which made every reply citing it too long for Telegram. A longer URL is not shown (a cut one is wrong).
SHOWN_CHARS = {"title": 200, "source": 80, "date": 40, "heading": 300, "doc_id": 100, "searched": 1000, "gloss": 600}
MAX_URL_CHARS = 1000
EXCERPTS_PER_MESSAGE = 3
CALLBACK_MORE = "m"
CALLBACK_VOTE = "f"


@dataclass(frozen=True, slots=True)
class Keyboard:
    """Button rows as (label, callback data); the handler turns them into Telegram markup."""

    rows: tuple[tuple[tuple[str, str], ...], ...]


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def shortened(text: object, field: str) -> str:
    """The field's text cut at a word to at most SHOWN_CHARS[field] characters, with "…" if cut."""
    text = str(text or "")
    limit = SHOWN_CHARS[field]
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut) + "…"


def shown_url(url: object) -> str:
    url = str(url or "")
    return url if len(url) <= MAX_URL_CHARS and url.startswith(("http://", "https://")) else ""


def highlighted(text: str, sentence: str, limit: int | None = None) -> str:
    """The paragraph, escaped, with its best sentence in bold; cut to `limit` characters if given."""
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)].rsplit(" ", 1)[0] + "…"
    start = text.find(sentence) if sentence else -1
    if start < 0:
        return escape(text)
    end = start + len(sentence)
    return f"{escape(text[:start])}<b>{escape(text[start:end])}</b>{escape(text[end:])}"


def citation_html(hit: Hit, language: str) -> str:
    """Outlet, title, date, link — whatever is known, nothing invented."""
    parts = []
    for kind, value in citation_fields(hit):
        if kind == "source":
            parts.append(f"<b>{escape(shortened(value, 'source'))}</b>")
        elif kind == "title":
            parts.append(f"“{escape(shortened(value, 'title'))}”")
        elif kind == "url":
            if url := shown_url(value):  # only a short http(s) link becomes one
                parts.append(f'<a href="{escape(url, quote=True)}">{say("link", language)}</a>')
        else:
            parts.append(escape(shortened(value, kind)))
    return "— " + " · ".join(parts or [escape(shortened(hit.doc_id, "doc_id"))])


def excerpt_html(
    hit: Hit, language: str, number: int | None = None, text_limit: int | None = None, same_as: int | None = None
) -> str:
    """One excerpt: heading, the paragraph with its best sentence in bold, and its citation — or, when an earlier
    excerpt (number `same_as`) of this message cites the same article, a pointer to it."""
    heading = f"<i>{escape(shortened(hit.citation.heading, 'heading'))}</i>\n" if hit.citation.heading else ""
    prefix = f"{number}. " if number is not None else ""
    glossed = f"\n<i>{escape(shortened(line, 'gloss'))}</i>" if (line := gloss_line(hit, language)) else ""
    cited = (
        f"— <i>{escape(say('same_article', language, number=same_as))}</i>" if same_as else citation_html(hit, language)
    )
    return (
        f"{prefix}{heading}<blockquote>{highlighted(hit.text, hit.best_sentence, text_limit)}</blockquote>\n"
        f"{cited}{glossed}"
    )


def _fit(block_for_limit, budget: int) -> str:
    """The block, shortened until it fits the budget (a paragraph longer than a whole message)."""
    block = block_for_limit(None)
    limit = 3000
    while utf16_length(block) > budget and limit > 50:
        block = block_for_limit(limit)
        limit = int(limit * 0.8)
    return block


def pack_messages(blocks: list[str], budget: int = BUDGET) -> list[str]:
    """Blocks joined by blank lines into as few messages as fit, never splitting a block."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if utf16_length(candidate) <= budget:
            current = candidate
        else:
            if current:
                messages.append(current)
            current = block
    if current:
        messages.append(current)
    return messages


def searched_html(answer: Answer, language: str) -> str:
    """The "searched:" line in italics, or "" when nothing beyond the question's words was searched."""
    searched = searched_line(answer, language)
    return f"<i>{escape(say('searched', language, what=shortened(searched, 'searched')))}</i>" if searched else ""


def render_answer(answer: Answer, language: str, start: int = 0, count: int = EXCERPTS_PER_MESSAGE) -> list[str]:
    """HTML messages for hits[start:start+count] of an answered question."""
    page = list(answer.hits[start : start + count])
    blocks = [
        _fit(lambda limit, hit=hit, n=n, same=same: excerpt_html(hit, language, n, limit, same), BUDGET)
        for (n, hit), same in zip(enumerate(page, start=start + 1), same_article_as(page, start + 1))
    ]
    if searched := searched_html(answer, language):
        blocks.append(searched)
    return pack_messages(blocks)


CLOSEST_TEXT_CHARS = 1200  # the closest paragraph of a refusal, shortened: it is not the answer


def render_no_answer(
    answer: Answer, sources: list[dict[str, object]], language: str, total_sources: int | None = None
) -> str:
    """A refusal, laid out as index.present.Refusal says (the console's and CLI's too), in Telegram HTML.
    `sources`: the newest articles; `total_sources`: how many there are, when `sources` is only the first few."""
    refusal = refusal_of(answer, sources, total=total_sources)
    lines = [escape(say("no_answer", language))]
    if refusal.closest:
        closest = excerpt_html(refusal.closest, language, text_limit=CLOSEST_TEXT_CHARS)
        lines.append(f"\n<b>{escape(say('closest_label', language))}</b>\n{closest}\n")
    if searched := searched_html(answer, language):
        lines.append(searched)
    lines.append(escape(say("rephrase_tip", language)))
    if refusal.closest:
        lines.append(escape(say("sources_hint", language)))
    if refusal.listed_sources:
        lines.append("\n" + say("what_i_know_html", language))
        lines += [f"• {source_line(s, language)}" for s in refusal.listed_sources]
        if refusal.more_sources:
            lines.append(escape(say("and_more", language, count=refusal.more_sources)))
    return "\n".join(lines)


def source_line(source: dict[str, object], language: str) -> str:
    title, fields, url = source_fields(source)
    title = escape(shortened(title, "title"))
    details = [escape(shortened(value, name)) for name, value in fields]
    url = shown_url(url)
    link = f' — <a href="{escape(url, quote=True)}">{say("link", language)}</a>' if url else ""
    return f"{title}" + (f" ({', '.join(details)})" if details else "") + link


MAX_SOURCES_SHOWN = 60  # /sources lists the newest this many: a big corpus would otherwise be thousands of messages


def render_sources(sources: list[dict[str, object]], language: str, total: int | None = None) -> list[str]:
    """The newest articles; `total`: how many the index holds when `sources` is only the first of them."""
    total = len(sources) if total is None else total
    if not sources:
        return [escape(say("no_sources", language))]
    header = say("sources_header_html", language, count=total)
    lines = [f"• {source_line(s, language)}" for s in sources[:MAX_SOURCES_SHOWN]]
    if total > len(lines):
        lines.append(escape(say("and_more_plain", language, count=total - len(lines))))
    return pack_messages([header] + lines)


def render_admin_sources(
    sources: list[dict[str, object]],
    outlets: list[tuple[str, int]],
    feeds: list[FeedState] | None,
    interval_minutes: float,
    language: str,
) -> list[str]:
    """What admins see for /sources: how many articles per outlet, the newest articles with their ids (for
    /remove), and each feed's state (None: no feeds file)."""
    total = sum(count for _, count in outlets)
    blocks = [say("sources_header_html", language, count=total)]
    if outlets:
        shown = " · ".join(f"{escape(shortened(o or '—', 'source'))} ({n})" for o, n in outlets[:MAX_SOURCES_SHOWN])
        blocks.append(say("outlets_html", language) + "\n" + shown)
    blocks += [
        f"• <code>{escape(shortened(s['doc_id'], 'doc_id'))}</code> {source_line(s, language)}"
        for s in sources[:MAX_SOURCES_SHOWN]
    ]
    if total > min(len(sources), MAX_SOURCES_SHOWN):
        blocks.append(escape(say("and_more_plain", language, count=total - min(len(sources), MAX_SOURCES_SHOWN))))
    if feeds is None:
        blocks.append(say("no_feeds_html", language))
    else:
        lines = [say("feeds_html", language, minutes=f"{interval_minutes:g}")]
        for feed in feeds:
            lines.append(f"• {escape(shortened(feed.url, 'source'))}: {escape(feed_status(feed, language))}")
        blocks.append("\n".join(lines))
    return pack_messages(blocks)


def feed_status(feed: FeedState, language: str) -> str:
    if feed.last_error:
        return say("feed_error", language, when=utc_minute(feed.last_checked), error=feed.last_error)
    if not feed.last_success:
        return say("feed_never", language)
    counts = {"added": feed.added, "duplicates": feed.duplicates, "skipped": feed.skipped}
    return say("feed_ok", language, when=utc_minute(feed.last_success), **counts)


def utc_minute(timestamp: float) -> str:
    """A time to the minute in UTC (admins may be in several time zones)."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(timestamp))


def render_about(meta: IndexMeta, language: str) -> str:
    fields = about_fields(meta)
    return say("about_html", language, **{k: escape(v) if isinstance(v, str) else v for k, v in fields.items()})


def answer_keyboard(question_id: int, next_start: int | None, language: str) -> Keyboard:
    rows = []
    if next_start is not None:
        rows.append(((say("more_results", language), f"{CALLBACK_MORE}:{question_id}:{next_start}"),))
    rows.append((("👍", f"{CALLBACK_VOTE}:{question_id}:1"), ("👎", f"{CALLBACK_VOTE}:{question_id}:-1")))
    return Keyboard(tuple(rows))


def parse_callback(data: str | None) -> tuple[str, int, int] | None:
    """(kind, question id, value) for our own buttons, None for anything else (forged, stale)."""
    if not data or len(data.encode()) > 64:
        return None
    parts = data.split(":")
    if len(parts) != 3 or parts[0] not in (CALLBACK_MORE, CALLBACK_VOTE):
        return None
    try:
        question_id, value = int(parts[1]), int(parts[2])
    except ValueError:
        return None
    if (
        not 0 < question_id < 2**63
        or (parts[0] == CALLBACK_VOTE and value not in (1, -1))
        or (parts[0] == CALLBACK_MORE and not 0 < value <= 100)
    ):
        return None
    return parts[0], question_id, value


def inline_title(hit: Hit) -> str:
    c = hit.citation
    title = " — ".join(p for p in (shortened(c.source, "source"), shortened(c.title, "title")) if p)
    return (title or shortened(hit.doc_id, "doc_id"))[:120]
