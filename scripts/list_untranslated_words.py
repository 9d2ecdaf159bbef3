"""List frequent English content words that no translation source of index/crosslingual.py covers.

The candidates for index/data/common_words_en_id.tsv: words among the N most frequent English words of
wordfreq (its list only chooses which words to translate; the translations are written by hand) that
are not English stop words, not content-free (translating to Indonesian stop words only) and have no
glossary, common-words, FreeDict or WordNet-synonym translation. Spelling correspondences (cognates)
are left out on purpose: they only count when the index holds the result.
Run:  pip install wordfreq && python scripts/list_untranslated_words.py [N]   (default 5000)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import wordfreq  # noqa: E402

from index.analysis import get_analyzer, load_word_list  # noqa: E402
from index.crosslingual import Translator  # noqa: E402


def main() -> None:
    top_n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    # every Indonesian term counts as present: the question is whether a source has the word at all
    translator = Translator(get_analyzer(), lambda term: True, use_cognates=False)
    stopwords = load_word_list("stopwords_en.txt")
    missing = []
    for rank, word in enumerate(wordfreq.top_n_list("en", top_n), 1):
        if not word.isalpha() or len(word) < 3 or word in stopwords:
            continue
        if translator._content_free(translator._lookup(word, False)) or translator.translate_word(word):
            continue
        missing.append(f"{rank}\t{word}")
    print("\n".join(missing))
    print(f"{len(missing)} of the top {top_n} words have no translation", file=sys.stderr)


if __name__ == "__main__":
    main()
