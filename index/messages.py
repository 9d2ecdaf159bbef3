"""Every text the bot, the console and the CLI write around the excerpts, in English and Indonesian.

Pure. One catalogue so that both languages always hold the same messages (tests/test_messages.py checks
the keys and placeholders match) and no handler carries its own strings. Keys ending in `_html` are
Telegram HTML (only bot/ sends them); the rest are plain text. The excerpts themselves are quoted as
written: the articles are Indonesian.
"""

from __future__ import annotations

import string

ENGLISH, INDONESIAN = "en", "id"
LANGUAGES = (ENGLISH, INDONESIAN)

_EN: dict[str, str] = {
    # answers and refusals (console, CLI, bot)
    "no_answer": "I could not find a paragraph that answers this, so I won't guess.",
    "rephrase_tip": (
        'Try naming the platform, the institution or the event (e.g. "Bigo Live blokir" or "TikTok data '
        'pengguna"), or ask in Indonesian.'
    ),
    "closest_label": "Closest I found — may not answer your question:",
    "searched": "searched: {what}",
    "searched_previous": "from your previous question: {words}",
    "searched_focus": "the text's most telling words: {words}",
    "searched_reason": "the reason given in “{source}”",
    "gloss": "words: {words}",
    "console_greeting": (
        "Ask about platform policy in the news, in English or Indonesian "
        '(e.g. "Kenapa Bigo Live diancam diblokir?"). Type /help for help, quit or Ctrl-D to leave.'
    ),
    "console_help": (
        "Type a question and press Enter, in English or Indonesian: "
        '"Why was Bigo threatened with blocking?", "Apakah TikTok membagikan data pengguna?". '
        'A short follow-up ("what about TikTok?") borrows the previous question\'s topic.\n'
        "/sources — the articles I search\n/about — index size and build time\nquit or Ctrl-D — leave"
    ),
    "console_unknown_command": "I don't know that command. /help lists what I can do here.",
    "sources_header": "{count} articles indexed",
    "about": (
        "About this index\n"
        "{documents} articles, {paragraphs} paragraphs, {terms} terms\n"
        "built {built_at} with {analyzer} v{version}, BM25 k1={k1} b={b}"
    ),
    # bot
    "start_html": (
        "I answer questions about platform policy in Indonesian news — blocking, content moderation, user data — "
        "by quoting the paragraph that answers, with where it comes from.\n\n"
        "Ask in English or Indonesian, for example:\n"
        "• <i>Why was Bigo threatened with blocking?</i>\n"
        "• <i>Apakah TikTok membagikan data pengguna ke pemerintah China?</i>\n\n"
        "In groups, mention me or use /ask. /sources lists the articles I know."
    ),
    "help_html": (
        "<b>How to ask</b>\n"
        "Send a question as a message (in groups: mention me, reply to me, or /ask <i>question</i>).\n"
        "Name the platform, the institution or the event: <i>Bigo Live blokir</i>, <i>TikTok data pengguna</i>.\n\n"
        "/sources — the articles I search\n/about — index size and build time\n/ask — ask in a group\n\n"
        "Each answer quotes up to three paragraphs from Indonesian articles, the best sentence in bold, with outlet, "
        "title, date and link. 👍/👎 tell us whether it helped. Inline: type my @username and a question in any chat."
    ),
    "not_text": "I can only read text questions. Please type your question as a message.",
    "unknown_command": "I don't know that command. /help lists what I can do.",
    "ask_usage_html": "Usage: /ask <i>your question</i> — for example /ask Why was Bigo threatened with blocking?",
    "error": "Sorry, something went wrong while answering. Please try again in a moment.",
    "sources_hint": "/sources lists the articles I know.",
    "what_i_know_html": "<b>What I know about:</b>",
    "and_more": "… and {count} more: /sources",
    "and_more_plain": "… and {count} more",
    "what_i_know": "What I know about:",
    "same_article": "same article as {number}",
    "sources_header_html": "<b>{count} articles indexed</b>",
    "no_sources": "No articles are indexed yet.",
    "about_html": (
        "<b>About this index</b>\n"
        "{documents} articles, {paragraphs} paragraphs, {terms} terms\n"
        "built {built_at} with {analyzer} v{version}, BM25 k1={k1} b={b}\n"
        "Questions in English are translated to Indonesian search terms (FreeDict, CC BY-SA 3.0; WordNet)."
    ),
    "link": "link",
    "more_results": "More results",
    "button_stale": "This button is no longer valid. Please ask again.",
    "thanks": "Thanks for the feedback!",
    "reindexed_since": (
        "The articles were re-indexed since this answer, so these buttons are out of date. Please ask again."
    ),
    "no_more": "No more results.",
    "inline_prompt": "Type a question about platform policy…",
    "inline_none": "No cited answer found — try other words",
    "admins_only_upload": "Only the bot's admins can add articles. Ask me a question as a text message instead.",
    "admins_only": "Sorry, only the bot's admins can do that.",
    "command_start": "What this bot does, with examples",
    "command_help": "How to ask",
    "command_ask": "Ask a question (in groups)",
    "command_sources": "The articles indexed",
    "command_about": "Index size and build time",
    # admin texts (bot/admin.py)
    "reindexed": "✅ Reindexed: {documents} articles, {paragraphs} paragraphs in {seconds} s.",
    "skipped_files": "Skipped {count} file(s)/line(s):",
    "and_more_in_log": "… and {count} more (see the bot's log)",
    "reindex_failed_write": "❌ Reindex failed: I cannot write the index file {path} ({reason}).",
    "reindex_failed": "❌ Reindex failed: {reason}.",
    "previous_index_serving": "The previous index is still serving.",
    "reindex_running": "A reindex is already running; I'll keep answering from the current index until it finishes.",
    "reindexing": "⏳ Reindexing {corpus}…",
    "reindexing_progress": "⏳ Reindexing… {documents} articles, {paragraphs} paragraphs so far",
    "build_waiting": "⏳ Another build of this index is running (from the command line?); I'll start when it ends.",
    "upload_type": "I can only add .txt, .md or .html articles, not {suffix}.",
    "no_extension": "files without an extension",
    "upload_size": "That file is {size} MB; the limit is 2 MB.",
    "upload_unsafe": (
        "I could not fetch that file: the Bot API server gave a file path I will not read. Nothing was added."
    ),
    "upload_download_failed": "I could not download that file from Telegram. Please send it again in a moment.",
    "upload_too_big": "That file is over the 2 MB limit.",
    "upload_save_failed": "I could not save the file into the corpus folder {folder} ({reason}). Nothing was added.",
    "saved_as": "Saved as {name}.",
    "saved_renamed": "Saved as {name} (a file named {original} already existed, so I did not overwrite it).",
    "stats_title_html": "<b>Usage</b>",
    "stats_asked": "Questions asked: {count}",
    "stats_answered": "Answered: {count} ({rate})",
    "stats_feedback": "Feedback: 👍 {up} · 👎 {down}",
    "stats_unanswered_html": "<b>Top unanswered questions</b>",
    # links and removal (bot/links.py)
    "add_usage_html": "Send <code>/add</code> and a link to a news article, e.g. <code>/add https://…</code>",
    "link_fetching": "⏳ Fetching {url}…",
    "link_added_html": "✅ Added <b>{title}</b>\n{details}\nid <code>{doc_id}</code> · {paragraphs} paragraphs. "
    "Ask me about it now.",
    "link_duplicate_html": "Already in the index as <code>{doc_id}</code>. Nothing was added.",
    "link_skipped": "❌ Not added: {reason}.",
    "remove_usage_html": "Send <code>/remove</code> and an article id; /sources shows admins the ids.",
    "removed_html": "🗑 Removed <code>{doc_id}</code> ({paragraphs} paragraphs) from the index{file}.",
    "removed_file": " and its file {name} from the corpus",
    "remove_unknown_html": "The index has no article <code>{doc_id}</code>; /sources lists the articles.",
    "outlets_html": "<b>By outlet</b>",
    "feeds_html": "<b>Feeds</b> (polled every {minutes} min)",
    "no_feeds_html": "<b>Feeds</b>: none (set FEEDS_FILE to poll RSS/Atom feeds or sitemaps)",
    "feed_never": "not polled yet",
    "feed_ok": "last success {when} · {added} added, {duplicates} duplicates, {skipped} skipped",
    "feed_error": "⚠️ last error {when}: {error}",
}

_ID: dict[str, str] = {
    "no_answer": "Saya tidak menemukan paragraf yang menjawab pertanyaan ini, jadi saya tidak akan menebak.",
    "rephrase_tip": (
        'Coba sebutkan platformnya, lembaganya, atau peristiwanya (misalnya "Bigo Live blokir" atau "TikTok data '
        'pengguna").'
    ),
    "closest_label": "Paling dekat yang saya temukan — mungkin tidak menjawab pertanyaan Anda:",
    "searched": "dicari: {what}",
    "searched_previous": "dari pertanyaan Anda sebelumnya: {words}",
    "searched_focus": "kata-kata terpenting dari teks itu: {words}",
    "searched_reason": "alasan yang disebut dalam “{source}”",
    "gloss": "arti kata: {words}",
    "console_greeting": (
        "Tanyakan soal kebijakan platform dalam berita, dalam bahasa Indonesia atau Inggris "
        '(misalnya "Kenapa Bigo Live diancam diblokir?"). Ketik /help untuk bantuan, keluar atau Ctrl-D untuk '
        "selesai."
    ),
    "console_help": (
        "Ketik pertanyaan lalu tekan Enter, dalam bahasa Indonesia atau Inggris: "
        '"Kenapa Bigo Live diancam diblokir?", "Apakah TikTok membagikan data pengguna?". '
        'Pertanyaan lanjutan yang pendek ("kalau TikTok gimana?") memakai topik pertanyaan sebelumnya.\n'
        "/sources — artikel yang saya telusuri\n/about — ukuran indeks dan waktu pembuatannya\n"
        "keluar atau Ctrl-D — selesai"
    ),
    "console_unknown_command": (
        "Saya tidak mengenal perintah itu. /help menampilkan apa yang bisa saya lakukan di sini."
    ),
    "sources_header": "{count} artikel terindeks",
    "about": (
        "Tentang indeks ini\n"
        "{documents} artikel, {paragraphs} paragraf, {terms} istilah\n"
        "dibuat {built_at} dengan {analyzer} v{version}, BM25 k1={k1} b={b}"
    ),
    "start_html": (
        "Saya menjawab pertanyaan tentang kebijakan platform dalam berita Indonesia — pemblokiran, moderasi konten, "
        "data pengguna — dengan mengutip paragraf yang menjawabnya, beserta sumbernya.\n\n"
        "Bertanyalah dalam bahasa Indonesia atau Inggris, misalnya:\n"
        "• <i>Kenapa Bigo Live diancam diblokir?</i>\n"
        "• <i>Apakah TikTok membagikan data pengguna ke pemerintah China?</i>\n\n"
        "Di grup, sebut saya atau pakai /ask. /sources menampilkan artikel yang saya ketahui."
    ),
    "help_html": (
        "<b>Cara bertanya</b>\n"
        "Kirim pertanyaan sebagai pesan (di grup: sebut saya, balas pesan saya, atau /ask <i>pertanyaan</i>).\n"
        "Sebutkan platform, lembaga, atau peristiwanya: <i>Bigo Live blokir</i>, <i>TikTok data pengguna</i>.\n\n"
        "/sources — artikel yang saya telusuri\n/about — ukuran indeks dan waktu pembuatannya\n"
        "/ask — bertanya di grup\n\n"
        "Setiap jawaban mengutip hingga tiga paragraf, kalimat terbaiknya dicetak tebal, dengan media, judul, tanggal, "
        "dan tautan. 👍/👎 memberi tahu kami apakah jawaban itu membantu. Inline: ketik @username saya dan pertanyaan "
        "di obrolan mana pun."
    ),
    "not_text": "Saya hanya bisa membaca pertanyaan berupa teks. Silakan ketik pertanyaan Anda sebagai pesan.",
    "unknown_command": "Saya tidak mengenal perintah itu. /help menampilkan apa yang bisa saya lakukan.",
    "ask_usage_html": "Cara pakai: /ask <i>pertanyaan Anda</i> — misalnya /ask Kenapa Bigo Live diancam diblokir?",
    "error": "Maaf, terjadi kesalahan saat menjawab. Silakan coba lagi sebentar lagi.",
    "sources_hint": "/sources menampilkan artikel yang saya ketahui.",
    "what_i_know_html": "<b>Yang saya ketahui:</b>",
    "and_more": "… dan {count} lainnya: /sources",
    "and_more_plain": "… dan {count} lainnya",
    "what_i_know": "Yang saya ketahui:",
    "same_article": "artikel yang sama dengan nomor {number}",
    "sources_header_html": "<b>{count} artikel terindeks</b>",
    "no_sources": "Belum ada artikel yang terindeks.",
    "about_html": (
        "<b>Tentang indeks ini</b>\n"
        "{documents} artikel, {paragraphs} paragraf, {terms} istilah\n"
        "dibuat {built_at} dengan {analyzer} v{version}, BM25 k1={k1} b={b}\n"
        "Pertanyaan berbahasa Inggris diterjemahkan menjadi kata kunci bahasa Indonesia "
        "(FreeDict, CC BY-SA 3.0; WordNet)."
    ),
    "link": "tautan",
    "more_results": "Hasil lainnya",
    "button_stale": "Tombol ini sudah tidak berlaku. Silakan bertanya lagi.",
    "thanks": "Terima kasih atas masukannya!",
    "reindexed_since": (
        "Artikel sudah diindeks ulang sejak jawaban ini, jadi tombol ini sudah kedaluwarsa. Silakan bertanya lagi."
    ),
    "no_more": "Tidak ada hasil lain.",
    "inline_prompt": "Ketik pertanyaan tentang kebijakan platform…",
    "inline_none": "Tidak ada jawaban berkutipan — coba kata lain",
    "admins_only_upload": "Hanya admin bot yang bisa menambahkan artikel. Kirimkan pertanyaan sebagai pesan teks saja.",
    "admins_only": "Maaf, hanya admin bot yang bisa melakukan itu.",
    "command_start": "Apa yang dilakukan bot ini, dengan contoh",
    "command_help": "Cara bertanya",
    "command_ask": "Bertanya (di grup)",
    "command_sources": "Artikel yang terindeks",
    "command_about": "Ukuran indeks dan waktu pembuatannya",
    # admin texts (bot/admin.py)
    "reindexed": "✅ Indeks diperbarui: {documents} artikel, {paragraphs} paragraf dalam {seconds} detik.",
    "skipped_files": "Dilewati {count} berkas/baris:",
    "and_more_in_log": "… dan {count} lainnya (lihat log bot)",
    "reindex_failed_write": "❌ Pengindeksan ulang gagal: berkas indeks {path} tidak bisa ditulis ({reason}).",
    "reindex_failed": "❌ Pengindeksan ulang gagal: {reason}.",
    "previous_index_serving": "Indeks sebelumnya tetap dipakai.",
    "reindex_running": "Pengindeksan ulang sedang berjalan; saya tetap menjawab dari indeks yang ada sampai selesai.",
    "reindexing": "⏳ Mengindeks ulang {corpus}…",
    "reindexing_progress": "⏳ Mengindeks ulang… sejauh ini {documents} artikel, {paragraphs} paragraf",
    "build_waiting": "⏳ Indeks ini sedang dibangun proses lain (dari baris perintah?); saya mulai setelah selesai.",
    "upload_type": "Saya hanya bisa menambahkan artikel .txt, .md, atau .html, bukan {suffix}.",
    "no_extension": "berkas tanpa ekstensi",
    "upload_size": "Berkas itu {size} MB; batasnya 2 MB.",
    "upload_unsafe": (
        "Berkas itu tidak saya ambil: server Bot API memberi jalur berkas yang tidak akan saya baca. "
        "Tidak ada yang ditambahkan."
    ),
    "upload_download_failed": "Berkas itu tidak bisa saya unduh dari Telegram. Silakan kirim lagi sebentar lagi.",
    "upload_too_big": "Berkas itu melebihi batas 2 MB.",
    "upload_save_failed": (
        "Berkas tidak bisa disimpan ke folder korpus {folder} ({reason}). Tidak ada yang ditambahkan."
    ),
    "saved_as": "Disimpan sebagai {name}.",
    "saved_renamed": "Disimpan sebagai {name} (berkas bernama {original} sudah ada, jadi tidak saya timpa).",
    "stats_title_html": "<b>Penggunaan</b>",
    "stats_asked": "Pertanyaan: {count}",
    "stats_answered": "Terjawab: {count} ({rate})",
    "stats_feedback": "Umpan balik: 👍 {up} · 👎 {down}",
    "stats_unanswered_html": "<b>Pertanyaan yang paling sering tak terjawab</b>",
    "add_usage_html": "Kirim <code>/add</code> dan tautan artikel berita, mis. <code>/add https://…</code>",
    "link_fetching": "⏳ Mengambil {url}…",
    "link_added_html": "✅ Ditambahkan <b>{title}</b>\n{details}\nid <code>{doc_id}</code> · {paragraphs} paragraf. "
    "Silakan tanyakan sekarang.",
    "link_duplicate_html": "Sudah ada di indeks sebagai <code>{doc_id}</code>. Tidak ada yang ditambahkan.",
    "link_skipped": "❌ Tidak ditambahkan: {reason}.",
    "remove_usage_html": "Kirim <code>/remove</code> dan id artikel; /sources menampilkan id kepada admin.",
    "removed_html": "🗑 <code>{doc_id}</code> ({paragraphs} paragraf) dihapus dari indeks{file}.",
    "removed_file": " beserta berkasnya {name} dari korpus",
    "remove_unknown_html": "Indeks tidak memuat artikel <code>{doc_id}</code>; /sources menampilkan daftar artikel.",
    "outlets_html": "<b>Per media</b>",
    "feeds_html": "<b>Feed</b> (diperiksa setiap {minutes} menit)",
    "no_feeds_html": "<b>Feed</b>: tidak ada (isi FEEDS_FILE untuk memeriksa feed RSS/Atom atau sitemap)",
    "feed_never": "belum diperiksa",
    "feed_ok": "terakhir berhasil {when} · {added} ditambahkan, {duplicates} duplikat, {skipped} dilewati",
    "feed_error": "⚠️ galat terakhir {when}: {error}",
}

CATALOGUE: dict[str, dict[str, str]] = {ENGLISH: _EN, INDONESIAN: _ID}
# Words that end a console session in either language (they are not questions to search).
QUIT_WORDS = frozenset({"quit", "exit", "bye", "keluar", "selesai", "/quit", "/exit"})


def say(key: str, language: str, **values: object) -> str:
    """The message `key` in `language` (Indonesian for anything but English), placeholders filled."""
    text = CATALOGUE[ENGLISH if language == ENGLISH else INDONESIAN][key]
    return text.format(**values) if values else text


def placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def reply_language(question_language: str | None = None, user_language_code: str | None = None) -> str:
    """English for an English question or a user whose Telegram language is English; Indonesian otherwise.
    A mixed question follows the user's language."""
    if question_language == ENGLISH:
        return ENGLISH
    if (user_language_code or "").lower().replace("_", "-").split("-")[0] == ENGLISH:
        return ENGLISH
    return INDONESIAN
