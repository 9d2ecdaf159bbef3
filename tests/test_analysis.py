from index.analysis import AnalyzerSpec, get_analyzer, normalize, split_sentences, tokenize


def test_tokens_keep_numbers_handles_domains_whole():
    tokens = tokenize(normalize("Menghapus 40.000 konten, layanan 24/7 lewat @TikTok_Coms di TikTokus.info (17/9/2024)"))
    assert "40.000" in tokens
    assert "24/7" in tokens
    assert "tiktok_coms" in tokens
    assert "tiktokus.info" in tokens
    assert "17/9/2024" in tokens


def test_reduplication_becomes_its_base_and_compounds_split():
    assert tokenize("janji-janji") == ["janji"]
    assert tokenize("medan-jakarta ga-181") == ["medan", "jakarta", "ga", "181"]


def test_missing_space_after_full_stop_is_not_a_domain():
    assert tokenize(normalize("negeri Paman Sam.Apabila")) == ["negeri", "paman", "sam", "apabila"]


def test_url_becomes_its_host():
    assert tokenize(normalize("lihat https://www.Liputan6.com/tekno/read/123 sekarang")) == ["lihat", "liputan6.com", "sekarang"]


def test_normalize_removes_invisible_characters_and_folds_width():
    assert normalize("blo\u200bkir ＴｉｋＴｏｋ") == "blokir tiktok"


def test_stop_words_and_particles_are_dropped():
    analyzer = get_analyzer()
    assert analyzer.analyze("Siapakah yang dan di manakah") == []


def test_sastrawi_does_not_overstem_menteri_like_snowball():
    sastrawi = get_analyzer(AnalyzerSpec(stemmer="sastrawi"))
    snowball = get_analyzer(AnalyzerSpec(stemmer="snowball"))
    assert sastrawi.analyze("menteri kementerian") == ["menteri", "menteri"]
    assert snowball.analyze("menteri") == ["teri"]  # the known Snowball over-stemming we avoid
    assert sastrawi.analyze("pemblokiran diblokir") == ["blokir", "blokir"]


def test_analyzer_names_differ_by_spec():
    assert get_analyzer().name == "indonesian-sastrawi"
    assert get_analyzer(AnalyzerSpec(stemmer="none", stopwords=False)).name == "indonesian-none-nostop"


def test_split_sentences_keeps_numbers_abbreviations_and_quotes():
    text = '“Kami akan blokir,” kata Menteri, Kamis (22/8/2024). Dr. Budi menghapus 40.000 akun. "Sudah." Lalu selesai.'
    assert split_sentences(text) == [
        "“Kami akan blokir,” kata Menteri, Kamis (22/8/2024).",
        "Dr. Budi menghapus 40.000 akun.",
        '"Sudah."',
        "Lalu selesai.",
    ]
