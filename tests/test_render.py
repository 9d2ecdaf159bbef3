"""Telegram rendering: escaping, highlighting, the 4096 limit, button data."""

from fakebotapi import parse_telegram_html, utf16_length

from bot import render
from index.bm25 import TermGroup
from index.search import Answer, Citation, Hit


def hit(text: str, best: str, **citation: str) -> Hit:
    fields = {"title": "", "source": "", "date": "", "url": "", "heading": None} | citation
    return Hit(1, "doc-1", 0, text, best, 1.0, Citation(**fields), ("x",))


def answer(*hits: Hit, translations=()) -> Answer:
    return Answer("q", True, tuple(hits), (TermGroup(("x",)),), 1.0, "en" if translations else "id", translations)


def test_corpus_text_is_escaped_and_best_sentence_bold():
    h = hit(
        'Kominfo <b>tegas</b> & "keras". Bigo <script>x</script> diblokir.',
        "Bigo <script>x</script> diblokir.",
        source="A&B News",
        title='Judul "x" <y>',
        url='https://e.example/?a=1&b="2"',
    )
    [message] = render.render_answer(answer(h), "id")
    text = parse_telegram_html(message)  # raises if Telegram would refuse it
    assert "<b>Bigo &lt;script&gt;x&lt;/script&gt; diblokir.</b>" in message
    assert 'Kominfo <b>tegas</b> & "keras".' in text
    assert 'href="https://e.example/?a=1&amp;b=&quot;2&quot;"' in message
    assert "A&B News" in text and '“Judul "x" <y>”' in text


def test_citation_shows_only_what_is_known():
    assert render.citation_html(hit("t", "t"), "en") == "— doc-1"
    assert (
        render.citation_html(hit("t", "t", url="https://e.example/a"), "id")
        == '— <a href="https://e.example/a">tautan</a>'
    )
    assert (
        render.citation_html(hit("t", "t", source="Liputan6.com", date="2024-09-17"), "en")
        == "— <b>Liputan6.com</b> · 2024-09-17"
    )


def test_heading_and_translations_are_shown():
    h = hit("Teks paragraf.", "Teks paragraf.", heading="Menkominfo Ancam Blokir")
    messages = render.render_answer(answer(h, translations=(("blocking", ("blokir", "pemblokiran")),)), "en")
    text = parse_telegram_html("\n".join(messages))
    assert "Menkominfo Ancam Blokir" in text
    assert "searched: blokir, pemblokiran ← blocking" in text
    indonesian = parse_telegram_html(
        "\n".join(render.render_answer(answer(h, translations=(("diblokr", ("diblokir",)),)), "id"))
    )
    assert "dicari: diblokir ← diblokr" in indonesian and "searched" not in indonesian


def test_messages_never_exceed_the_limit_and_long_paragraphs_are_cut():
    long_text = "Kalimat panjang tentang pemblokiran aplikasi 🤖 oleh kementerian. " * 150  # ~9,900 chars with emoji
    hits = [hit(long_text, long_text.split(". ")[0] + ".") for _ in range(3)]
    messages = render.render_answer(answer(*hits), "id")
    assert len(messages) == 3
    for message in messages:
        assert utf16_length(parse_telegram_html(message)) <= 4096
        assert utf16_length(message) <= render.MESSAGE_LIMIT
        assert "…" in message


def test_pack_messages_keeps_blocks_whole():
    blocks = ["a" * 2000, "b" * 2000, "c" * 10]
    assert render.pack_messages(blocks, budget=4000) == ["a" * 2000, "b" * 2000 + "\n\n" + "c" * 10]


def test_callback_data_round_trip_and_forgeries():
    keyboard = render.answer_keyboard(12345, 3, "en")
    assert (
        keyboard.rows[0][0][0] == "More results" and render.answer_keyboard(1, 3, "id").rows[0][0][0] == "Hasil lainnya"
    )
    data = [d for row in keyboard.rows for _, d in row]
    assert [render.parse_callback(d) for d in data] == [("m", 12345, 3), ("f", 12345, 1), ("f", 12345, -1)]
    for forged in (None, "", "m:1", "m:x:1", "f:1:2", "m:1:0", "m:-5:3", "z:1:1", "m:1:3:4", "m:" + "9" * 70 + ":3"):
        assert render.parse_callback(forged) is None


def test_no_answer_without_any_match_lists_sources():
    sources = [{"doc_id": "a", "title": "Bigo <b>", "source": "Liputan6.com", "date": "2024-09-17", "url": ""}]
    unanswered = Answer("q", False, (), (), 0.0)
    text = parse_telegram_html(render.render_no_answer(unanswered, sources, "en"))
    assert "won't guess" in text and "• Bigo <b> (Liputan6.com, 2024-09-17)" in text
    assert "Closest I found" not in text


def test_no_answer_shows_the_closest_paragraph_marked_as_maybe_not_answering():
    """Issue 13.8: a refusal showed nothing, not even the closest paragraph."""
    closest = hit(
        "Kominfo menegur platform streaming. Isinya tentang denda.",
        "Kominfo menegur platform streaming.",
        source="Contoh News",
        title="Teguran",
    )
    unanswered = Answer("q", False, (closest,), (TermGroup(("x",)),), 0.3)
    text = parse_telegram_html(render.render_no_answer(unanswered, [{"doc_id": "a", "title": "Lain"}], "en"))
    assert (
        text.index("won't guess")
        < text.index("Closest I found — may not answer your question:")
        < text.index("Kominfo")
    )
    assert "Contoh News" in text and "Try naming" in text and "• Lain" not in text


def test_every_message_fits_whatever_the_length_of_the_fields():
    """Issue 12.7: a 5,000-character title made the answer and /sources too long for Telegram."""
    long = " ".join(["Judul sangat panjang tentang kebijakan platform"] * 110)
    assert len(long) > 5000
    h = hit(
        "Bigo Live diblokir. " * 300,
        "Bigo Live diblokir.",
        title=long,
        source=long,
        date=long,
        heading=long,
        url="https://e.example/" + "p" * 3000,
    )
    many = tuple(h for _ in range(3))
    words = tuple((f"word{i}", tuple(f"kata{i}-{j}" for j in range(10))) for i in range(200))
    messages = render.render_answer(answer(*many, translations=words), "en")
    messages.append(
        render.render_no_answer(
            answer(h, translations=words),
            [{"doc_id": long, "title": long, "source": long, "date": long, "url": long}] * 8,
            "id",
        )
    )
    messages += render.render_sources(
        [{"doc_id": long, "title": long, "source": long, "date": long, "url": long}] * 30, "en"
    )
    messages.append(render.excerpt_html(h, "en", text_limit=3000))
    for message in messages:
        assert utf16_length(message) <= render.MESSAGE_LIMIT
        parse_telegram_html(message)
    assert (
        "Judul sangat panjang" in messages[0] and "p" * 1001 not in messages[0]
    )  # shortened, the too-long URL left out
    assert len(render.inline_title(h)) <= 120


def test_callback_ids_beyond_sqlite_integers_are_not_ours():
    """Issue 12.8: m:99999999999999999999:1 reached SQLite and raised OverflowError."""
    assert render.parse_callback("m:99999999999999999999:1") is None
    assert render.parse_callback(f"m:{2**63}:3") is None
    assert render.parse_callback(f"m:{2**63 - 1}:3") == ("m", 2**63 - 1, 3)


def test_excerpts_of_one_article_share_its_citation_line():
    """Issue 15.7: one answer cited the same article three times in full."""
    from dataclasses import replace

    cited = {"source": "Liputan6.com", "title": "Menkominfo Ancam Blokir Bigo Live", "date": "2024-09-17"}
    first, second = hit("Satu. Dua.", "Satu.", **cited), hit("Tiga. Empat.", "Tiga.", **cited)
    other = replace(hit("Lima.", "Lima.", source="VOI", title="TikTok"), doc_id="doc-2")
    [message] = render.render_answer(answer(first, other, second), "en")
    text = parse_telegram_html(message)
    assert text.count("Menkominfo Ancam Blokir Bigo Live") == 1 and text.count("TikTok") == 1
    assert "3. Tiga. Empat.\n— same article as 1" in text
    # a later page cites the article again: its first excerpt there is the first that reader sees of it
    [page_two] = render.render_answer(answer(first, other, second), "id", start=2)
    assert "Menkominfo Ancam Blokir Bigo Live" in parse_telegram_html(page_two)


def test_the_bot_and_the_console_lay_out_a_refusal_alike():
    """Issue 15.1: the refusal was written twice (index/present.py, bot/render.py) and the two had drifted apart."""
    from index.present import answer_to_text

    sources = [{"doc_id": f"d{i}", "title": f"Artikel {i}", "source": "Contoh"} for i in range(11)]
    unanswered = Answer("q", False, (), (TermGroup(("x",)),), 0.0)
    html = parse_telegram_html(render.render_no_answer(unanswered, sources, "en"))
    plain = answer_to_text(unanswered, language="en", sources=sources)
    for text in (html, plain):
        listed = [f"Artikel {i}" for i in range(11) if f"• Artikel {i} " in text]
        assert listed == [f"Artikel {i}" for i in range(8)]
        assert "3 more" in text
        assert text.index("won't guess") < text.index("Try naming") < text.index("• Artikel 0")
    closest = hit("Kominfo menegur platform streaming.", "Kominfo menegur platform streaming.", title="Teguran")
    near_miss = Answer("q", False, (closest,), (TermGroup(("x",)),), 0.3)
    for text in (
        parse_telegram_html(render.render_no_answer(near_miss, sources, "en")),
        answer_to_text(near_miss, language="en", sources=sources),
    ):
        assert text.index("Closest I found") < text.index("Kominfo") < text.index("Try naming")
        assert "• Artikel" not in text


def test_source_listings_stay_a_few_messages_whatever_the_corpus_size():
    """A million articles made /sources thousands of messages (and every refusal read them all): the newest
    MAX_SOURCES_SHOWN are listed, then how many more there are."""
    sources = [
        {"doc_id": f"d{i}", "title": f"Artikel {i}", "source": "Contoh"} for i in range(render.MAX_SOURCES_SHOWN)
    ]
    messages = render.render_sources(sources, "en", total=1_000_000)
    text = "\n".join(parse_telegram_html(m) for m in messages)
    assert len(messages) <= 3 and "1000000 articles indexed" in text
    assert (
        f"• Artikel {render.MAX_SOURCES_SHOWN - 1}" in text and f"{1_000_000 - render.MAX_SOURCES_SHOWN} more" in text
    )
    admin = render.render_admin_sources(sources, [("Contoh", 999_990), ("", 10)], None, 30, "en")
    shown = "\n".join(parse_telegram_html(m) for m in admin)
    assert "Contoh (999990) · — (10)" in shown and f"{1_000_000 - render.MAX_SOURCES_SHOWN} more" in shown
    unanswered = Answer("q", False, (), (TermGroup(("x",)),), 0.0)
    refusal = parse_telegram_html(render.render_no_answer(unanswered, sources[:9], "en", total_sources=1_000_000))
    assert "• Artikel 7" in refusal and "• Artikel 8" not in refusal and "999992 more" in refusal
