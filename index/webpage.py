"""A downloaded news page → an article the corpus can hold. Pure: bytes and strings in, values out.

Main text and metadata come from trafilatura (title, outlet, date, canonical URL); JSON-LD and Open Graph fill
what it leaves out (author, publisher); a page without a date in its metadata is dated from its text's Indonesian
dateline ("Rabu, 21 Agustus 2024", "Kamis (22/8/2024)", "17/9/2024 14:05 WIB"). Two URLs of one story (tracking
parameters, AMP and mobile variants, "all pages" views) have one canonical form, and a syndicated copy of a story
shares most of its word 3-shingles with the original (MinHash estimates how many).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import yaml

from .ingest import paragraphs_from_text

# query parameters that name a campaign, a click or a view of the page, never the story
_TRACKING_PARAMETERS = re.compile(
    r"^(utm_.*|fbclid|gclid|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|_gl|ref|ref_src|source|src|share|"
    r"amp|outputtype|page|single|spm|cmpid|ito|xtor)$",
    re.IGNORECASE,
)
_VIEW_VALUES = {"page": {"all", "1"}, "single": {"1", "true"}, "amp": {"", "1", "true"}, "outputtype": {"amp"}}
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def canonical_url(url: str) -> str:
    """The form every URL of one story shares: http(s) lower-cased host without www/m/amp, no fragment, no
    tracking or view parameters (`?page=all`, `?single=1`, `?amp`), no `/amp` path suffix or prefix, no trailing
    slash. Parameters that select content (an article id) are kept, sorted."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = re.sub(r"/+", "/", parts.path or "/")
    path = re.sub(r"(/amp)+/?$|\.amp$|\.amp\.html$", "", path)
    path = re.sub(r"^/amp(?=/)", "", path)
    path = path.rstrip("/") or "/"
    kept = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        lower = key.lower()
        if _TRACKING_PARAMETERS.match(lower) and (lower not in _VIEW_VALUES or value.lower() in _VIEW_VALUES[lower]):
            continue
        kept.append((key, value))
    query = urlencode(sorted(kept))
    return urlunsplit(((parts.scheme or "https").lower(), host + port, path, query, ""))


@dataclass(frozen=True, slots=True)
class WebArticle:
    url: str  # canonical
    title: str
    outlet: str
    author: str
    date: str  # ISO 8601 date, or "" when the page does not say
    language: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


MIN_ARTICLE_CHARS = 200  # less main text than this is a section front, a video page or an error page


def extract_article(html: bytes | str, url: str) -> WebArticle | None:
    """The article on a page, or None when it holds no article text."""
    import trafilatura  # heavy: imported when a page is read

    extracted = trafilatura.extract(
        html,
        url=url,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_links=False,
        include_images=False,
    )
    if not extracted:
        return None
    data = json.loads(extracted)
    text = str(data.get("text") or "")
    title = _clean(data.get("title"))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and title and _clean(lines[0]) == title:
        lines = lines[1:]  # trafilatura repeats the headline as the first line
    # the corpus file holds what would be indexed: "Baca Juga" lists, ad labels and share bars left out
    lines = [paragraph.text for paragraph in paragraphs_from_text("\n\n".join(lines))]
    if sum(len(line) for line in lines) < MIN_ARTICLE_CHARS:
        return None
    linked = _linked_data(html)
    page_url = str(data.get("source") or "")
    date = _iso_date(data.get("date")) or _iso_date(linked.get("date")) or dateline_date("\n".join(lines[:3]))
    return WebArticle(
        url=canonical_url(page_url if page_url.startswith(("http://", "https://")) else url),
        title=title or _clean(linked.get("title")),
        outlet=_clean(data.get("source-hostname") or linked.get("publisher") or data.get("sitename"))
        or _clean(data.get("hostname")),
        author=_clean(data.get("author") or linked.get("author")),
        date=date,
        language=_clean(data.get("language")) or _html_language(html) or "id",
        paragraphs=tuple(lines),
    )


def _clean(value: object) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(value or "")).split())


_JSON_LD_RE = re.compile(
    rb"<script[^>]+type=[\"']application/ld\+json[\"'][^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL
)
_HTML_LANG_RE = re.compile(rb"<html[^>]*\slang=[\"']?([a-zA-Z]{2})", re.IGNORECASE)


def _as_bytes(html: bytes | str) -> bytes:
    return html if isinstance(html, bytes) else html.encode("utf-8", "replace")


def _html_language(html: bytes | str) -> str:
    found = _HTML_LANG_RE.search(_as_bytes(html)[:4096])
    return found.group(1).decode().lower() if found else ""


def _linked_data(html: bytes | str) -> dict[str, str]:
    """Headline, author, publisher and date from the page's schema.org JSON-LD (NewsArticle and kin), if any."""
    found: dict[str, str] = {}
    for block in _JSON_LD_RE.findall(_as_bytes(html)):
        try:
            data = json.loads(block.decode("utf-8", "replace"))
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if not isinstance(item, dict) or "Article" not in str(item.get("@type", "")):
                continue
            found.setdefault("title", str(item.get("headline") or ""))
            found.setdefault("date", str(item.get("datePublished") or ""))
            found.setdefault("author", _name_of(item.get("author")))
            found.setdefault("publisher", _name_of(item.get("publisher")))
    return found


def _name_of(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(name for name in (_name_of(v) for v in value) if name)
    if isinstance(value, dict):
        return str(value.get("name") or "")
    return str(value or "")


def _iso_date(value: object) -> str:
    found = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    if not found:
        return ""
    try:
        return datetime(*map(int, found.groups())).date().isoformat()
    except ValueError:
        return ""


_MONTHS = "januari februari maret april mei juni juli agustus september oktober november desember"
_DATELINE_PATTERNS = (
    # Rabu, 21 Agustus 2024 · 21 Agu 2024
    re.compile(r"\b(\d{1,2})\s+(" + "|".join(m[:3] + r"\w*" for m in _MONTHS.split()) + r")\.?\s+(\d{4})\b", re.I),
    # Kamis (22/8/2024) · 17/9/2024 14:05 WIB · 17-09-2024
    re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b"),
)


def dateline_date(text: str) -> str:
    """The first Indonesian date in `text` as ISO 8601 (day before month, as Indonesian writes it), or ""."""
    import dateparser  # heavy: imported when a page has no dated metadata

    candidates = []
    for pattern in _DATELINE_PATTERNS:
        for found in pattern.finditer(text):
            candidates.append((found.start(), found.group(0)))
    for _start, candidate in sorted(candidates):
        parsed = dateparser.parse(
            candidate,
            languages=["id", "en"],
            settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]},
        )
        if parsed is not None and 1990 <= parsed.year <= 2100:
            return parsed.date().isoformat()
    return ""


MINHASH_SIZE = 128
# odd 64-bit multipliers of the multiply-shift hash family: one "permutation" of the shingle hashes each
_MULTIPLIERS = np.random.default_rng(20261204).integers(1, 2**63, size=MINHASH_SIZE, dtype=np.uint64) * np.uint64(
    2
) + np.uint64(1)


def shingles(text: str) -> set[str]:
    """The text's word 3-shingles, case and Unicode forms folded."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower())
    return {" ".join(words[i : i + 3]) for i in range(max(len(words) - 2, 1))} if words else set()


def minhash(text: str) -> np.ndarray:
    """Broder's MinHash signature of the text's 3-shingles: the share of equal entries of two signatures
    estimates the Jaccard similarity of the shingle sets (`resemblance`)."""
    found = shingles(text)
    if not found:
        return np.full(MINHASH_SIZE, np.iinfo(np.uint32).max, dtype=np.uint32)
    hashes = np.array(
        [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in found], dtype=np.uint64
    )
    with np.errstate(over="ignore"):  # multiply-shift hashing wraps around 2**64 by design
        mixed = hashes[None, :] * _MULTIPLIERS[:, None]
    return (mixed >> np.uint64(32)).astype(np.uint32).min(axis=1)


def resemblance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


def slug(text: str, limit: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out}-{word}" if out else word
    return out


def article_doc_id(article: WebArticle) -> str:
    """A file-name-safe id: the title's words and 8 hex digits of the canonical URL (one story, one id)."""
    digest = hashlib.blake2b(article.url.encode(), digest_size=4).hexdigest()
    return f"{slug(article.title) or 'artikel'}-{digest}"


def article_file_text(article: WebArticle, fetched: datetime) -> str:
    """The article as a corpus file: front matter as the corpus's own articles have (plus author and fetched),
    then the paragraphs separated by blank lines."""
    fields = {
        "title": article.title,
        "source": article.outlet,
        "author": article.author,
        "date": article.date,
        "url": article.url,
        "lang": article.language,
        "fetched": fetched.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    front = yaml.safe_dump({k: v for k, v in fields.items() if v}, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{front}---\n" + article.text + "\n"
