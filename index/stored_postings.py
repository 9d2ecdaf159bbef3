"""How a term's postings are stored and read back (index/schema.py's `terms` table): paragraph ids as int32, and
per posting a uint32 holding the term frequency with the paragraph's length, from which the index reader computes
the term's impacts. Pure: numpy arrays in and out (the C kernel where it is built, index/kernel.py)."""

from __future__ import annotations

import sys

import numpy as np

from .bm25 import BM25Params, Postings, best_impact_positions, length_norms, saturated
from .kernel import kernel_enabled, kernel_term, unpack_impacts32

# A uint32 per posting, the term frequency in the low 16 bits and the paragraph's length in the high 16: the index
# reader computes a term's impacts from its postings alone, with a norm table by length, instead of reading each
# paragraph's norm from an array of all of them (one cache miss a posting: at 1M paragraphs most of the time a
# term's first read took). Paragraphs are at most MAX_PARAGRAPH_CHARS (3,000) characters, so both fit.
PACKED_MAX = 0xFFFF


def pack_frequencies(term_freqs: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The stored form of postings' term frequencies, given each posting's paragraph length: uint32
    tf | length << 16."""
    if term_freqs.size and (int(term_freqs.max()) > PACKED_MAX or int(lengths.max()) > PACKED_MAX):
        raise ValueError(f"a term frequency or paragraph length above {PACKED_MAX} cannot be stored")
    packed = lengths.astype(np.uint32)
    packed <<= 16
    packed |= term_freqs.astype(np.uint32)
    return packed


def norms_by_length(avg_length: float, params: BM25Params) -> np.ndarray:
    """length_norms for every length a posting can store (the same bits as for a paragraph of that length)."""
    return length_norms(np.arange(PACKED_MAX + 1), avg_length, params)


def unpack_postings(
    paragraph_ids: np.ndarray, packed: np.ndarray, norm_table: np.ndarray, params: BM25Params
) -> Postings:
    """Stored postings (`packed`: uint32 from pack_frequencies) with their float32 impacts for `params`, the same bits
    as impacts_of(...).astype(float32), and the positions of the highest: what the index reader keeps per term
    it loads (in the C kernel when it serves: one pass, no temporaries)."""
    served = kernel_enabled() and packed.dtype == np.uint32 and packed.flags.c_contiguous
    if served:
        impacts = unpack_impacts32(packed, norm_table, params.k1)
        # the frequencies where they are stored, the low half of each uint32: a copy cost a fresh page a thousand
        # postings (~1.7 ns a posting at a term's first read; a term's first read is half of a 3-term question's)
        term_freqs = packed.view(np.uint16)[0 if sys.byteorder == "little" else 1 :: 2]
    else:
        term_freqs = (packed & PACKED_MAX).astype(np.int32)
        impacts = saturated(term_freqs, norm_table[packed >> 16], params).astype(np.float32)
    top = best_impact_positions(impacts)
    view = None
    if kernel_enabled() and paragraph_ids.dtype == np.int32 and paragraph_ids.flags.c_contiguous:
        top = np.ascontiguousarray(top, dtype=np.int64)
        view = kernel_term(paragraph_ids, term_freqs, impacts, top, stored_frequencies=packed if served else None)
    return Postings(paragraph_ids, term_freqs, impacts=impacts, impact_params=params, top_impacts=top, kernel_view=view)
