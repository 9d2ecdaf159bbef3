/* A build worker's memo from text chunks to their term numbers (index/units.py, _WorkerVocabulary), in C.
 *
 * A worker turns each paragraph into term numbers chunk by chunk: the text is split at whitespace and each chunk
 * ("(Kemkominfo)", "40.000,", "memblokir") is looked up in a memo of the chunks seen before, nearly all of them
 * after the first thousands of paragraphs. In Python that is a new str per chunk and a dict look-up that misses
 * the CPU caches three times once the memo holds a few hundred thousand chunks: two thirds of the numbering, a
 * fifth of a worker's time. Here a chunk is hashed where it lies in the text's bytes and found in one
 * open-addressing table whose slots hold the hash, so a look-up touches a slot and the chunk's stored bytes.
 *
 * Only lower-case ASCII text comes here (the analyzer's normalize is then just lower()), split at the separators
 * Python's str.split knows in ASCII, so the chunks are exactly Python's. What a chunk's numbers are is decided in
 * Python (index/analysis.py chunk_terms, numbered in order of first sight) and added here; this only remembers.
 *
 * Plain C, no Python API: loaded with ctypes (index/kernel.py), built with the BM25 kernel (setup.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t hash; /* 0: an empty slot */
    uint32_t text_at;
    uint32_t text_length;
    uint32_t numbers_at;
    uint32_t count;
} Slot;

typedef struct {
    Slot *slots;
    uint64_t mask; /* slots - 1, a power of two minus one */
    uint64_t used;
    char *text;
    uint64_t text_used, text_capacity;
    int32_t *numbers;
    uint64_t numbers_used, numbers_capacity;
} ChunkMemo;

#define CHUNK_BATCH 128 /* chunks hashed ahead of their look-ups */

static int is_separator(unsigned char c) { return c == ' ' || (c >= 9 && c <= 13) || (c >= 28 && c <= 31); }

static uint64_t hash_bytes(const unsigned char *bytes, int64_t n) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (int64_t i = 0; i < n; i++) {
        h ^= bytes[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 29; /* the low bits pick the slot: mix the high ones in */
    return h ? h : 1;
}

static void release(ChunkMemo *memo) {
    free(memo->slots);
    free(memo->text);
    free(memo->numbers);
}

static int start(ChunkMemo *memo) {
    memo->mask = (1u << 16) - 1;
    memo->used = memo->text_used = memo->numbers_used = 0;
    memo->text_capacity = 1u << 20;
    memo->numbers_capacity = 1u << 18;
    memo->slots = calloc(memo->mask + 1, sizeof(Slot));
    memo->text = malloc(memo->text_capacity);
    memo->numbers = malloc(memo->numbers_capacity * sizeof(int32_t));
    if (!memo->slots || !memo->text || !memo->numbers) {
        release(memo);
        memo->slots = NULL, memo->text = NULL, memo->numbers = NULL;
        return -1;
    }
    return 0;
}

void *chunkmemo_new(void) {
    ChunkMemo *memo = calloc(1, sizeof(ChunkMemo));
    if (memo && start(memo) != 0) {
        free(memo);
        return NULL;
    }
    return memo;
}

void chunkmemo_free(void *handle) {
    if (handle) {
        release((ChunkMemo *)handle);
        free(handle);
    }
}

/* Forget every chunk (the memo is bounded: Python clears it at a size limit, as its own dict memo). */
int32_t chunkmemo_clear(void *handle) {
    ChunkMemo *memo = (ChunkMemo *)handle;
    release(memo);
    return start(memo);
}

int64_t chunkmemo_size(void *handle) { return (int64_t)((ChunkMemo *)handle)->used; }

static Slot *find(const ChunkMemo *memo, const unsigned char *chunk, int64_t n, uint64_t hash) {
    for (uint64_t at = hash & memo->mask;; at = (at + 1) & memo->mask) {
        Slot *slot = &memo->slots[at];
        if (slot->hash == 0)
            return slot;
        if (slot->hash == hash && slot->text_length == (uint64_t)n && memcmp(memo->text + slot->text_at, chunk, n) == 0)
            return slot;
    }
}

/* the first slot from the chunk's place that is empty or holds its hash (find's answer but for a chunk of the same
 * hash, which find then passes over) */
static const Slot *find_by_hash(const ChunkMemo *memo, uint64_t hash) {
    for (uint64_t at = hash & memo->mask;; at = (at + 1) & memo->mask) {
        const Slot *slot = &memo->slots[at];
        if (slot->hash == 0 || slot->hash == hash)
            return slot;
    }
}

static int grow_slots(ChunkMemo *memo) {
    const uint64_t size = (memo->mask + 1) * 2;
    Slot *slots = calloc(size, sizeof(Slot));
    if (!slots)
        return -1;
    Slot *old = memo->slots;
    const uint64_t old_size = memo->mask + 1;
    memo->slots = slots;
    memo->mask = size - 1;
    for (uint64_t i = 0; i < old_size; i++) {
        if (old[i].hash == 0)
            continue;
        uint64_t at = old[i].hash & memo->mask;
        while (slots[at].hash != 0)
            at = (at + 1) & memo->mask;
        slots[at] = old[i];
    }
    free(old);
    return 0;
}

static int reserve(void **pool, uint64_t *capacity, uint64_t used, uint64_t more, size_t item) {
    if (used + more <= *capacity)
        return 0;
    uint64_t wanted = *capacity;
    while (used + more > wanted)
        wanted *= 2;
    if (wanted > UINT32_MAX) /* offsets are uint32 */
        return -1;
    void *grown = realloc(*pool, wanted * item);
    if (!grown)
        return -1;
    *pool = grown;
    *capacity = wanted;
    return 0;
}

/* Remember that `chunk` (n bytes) stands for `count` term numbers. 0, or -1 when out of memory (the memo is then
 * unchanged). A chunk already known is left as it is. */
int32_t chunkmemo_add(void *handle, const char *chunk, int64_t n, const int32_t *numbers, int64_t count) {
    ChunkMemo *memo = (ChunkMemo *)handle;
    const uint64_t hash = hash_bytes((const unsigned char *)chunk, n);
    Slot *slot = find(memo, (const unsigned char *)chunk, n, hash);
    if (slot->hash != 0)
        return 0;
    if (reserve((void **)&memo->text, &memo->text_capacity, memo->text_used, (uint64_t)n, 1) != 0 ||
        reserve((void **)&memo->numbers, &memo->numbers_capacity, memo->numbers_used, (uint64_t)count,
                sizeof(int32_t)) != 0)
        return -1;
    memcpy(memo->text + memo->text_used, chunk, n);
    memcpy(memo->numbers + memo->numbers_used, numbers, count * sizeof(int32_t));
    slot->hash = hash;
    slot->text_at = (uint32_t)memo->text_used;
    slot->text_length = (uint32_t)n;
    slot->numbers_at = (uint32_t)memo->numbers_used;
    slot->count = (uint32_t)count;
    memo->text_used += n;
    memo->numbers_used += count;
    memo->used++;
    if (memo->used * 2 > memo->mask + 1 && grow_slots(memo) != 0) /* at most half full: short probes */
        return -1;
    return 0;
}

/* The term numbers of every chunk of text (n bytes), in order, into out (room for out_capacity): returns how many.
 * When chunks are unknown, returns -1 and writes the first missing_capacity of them to missing as (start, end)
 * byte offsets, in order (a chunk as often as it occurs), and their count to *missing_count; the caller adds them
 * and asks again. Returns -2 when out is too small. */
int64_t chunkmemo_number(void *handle, const char *text, int64_t n, int32_t *out, int64_t out_capacity,
                         int64_t *missing, int64_t missing_capacity, int64_t *missing_count) {
    const ChunkMemo *memo = (const ChunkMemo *)handle;
    const unsigned char *bytes = (const unsigned char *)text;
    int64_t written = 0, unknown = 0;
    int64_t i = 0;
    /* chunks are taken a batch at a time: all hashed (and their slots asked for from memory) before the first is
     * looked up, so the cache misses of a paragraph's ~60 look-ups overlap instead of following one another */
    int64_t begins[CHUNK_BATCH], ends[CHUNK_BATCH];
    uint64_t hashes[CHUNK_BATCH];
    const Slot *slots[CHUNK_BATCH];
    while (i < n) {
        int32_t batch = 0;
        while (batch < CHUNK_BATCH) {
            while (i < n && is_separator(bytes[i]))
                i++;
            if (i >= n)
                break;
            begins[batch] = i;
            while (i < n && !is_separator(bytes[i]))
                i++;
            ends[batch] = i;
            hashes[batch] = hash_bytes(bytes + begins[batch], i - begins[batch]);
            __builtin_prefetch(&memo->slots[hashes[batch] & memo->mask]);
            batch++;
        }
        /* then each chunk's slot by its hash alone, its stored bytes and numbers asked for in turn */
        for (int32_t j = 0; j < batch; j++) {
            const Slot *slot = find_by_hash(memo, hashes[j]);
            slots[j] = slot;
            if (slot->hash != 0) {
                __builtin_prefetch(memo->text + slot->text_at);
                __builtin_prefetch(memo->numbers + slot->numbers_at);
            }
        }
        for (int32_t j = 0; j < batch; j++) {
            const int64_t begin = begins[j], length = ends[j] - begins[j];
            const Slot *slot = slots[j];
            if (slot->hash == 0 || slot->text_length != (uint64_t)length ||
                memcmp(memo->text + slot->text_at, bytes + begin, length) != 0)
                slot = find(memo, bytes + begin, length, hashes[j]); /* another chunk of the same hash: look on */
            if (slot->hash == 0) {
                if (unknown < missing_capacity) {
                    missing[2 * unknown] = begin;
                    missing[2 * unknown + 1] = ends[j];
                }
                unknown++;
                continue;
            }
            if (unknown)
                continue;
            if (written + slot->count > out_capacity)
                return -2;
            memcpy(out + written, memo->numbers + slot->numbers_at, slot->count * sizeof(int32_t));
            written += slot->count;
        }
    }
    *missing_count = unknown;
    return unknown ? -1 : written;
}

/* The distinct terms of each paragraph with their counts, for a unit of paragraphs (index/units.py): `numbers` holds
 * the term numbers of paragraph after paragraph, `lengths[p]` of them for paragraph p. Writes each paragraph's
 * distinct terms in order of first occurrence to out_terms with their counts in out_counts, and how many it has to
 * out_per_paragraph; returns the number of pairs written (at most the number of tokens). `last` and `slot` are
 * scratch of n_terms int32 each, `last` all -1 on entry (left so: every entry written is reset before returning).
 * Returns -1 when a number is outside [0, n_terms). What np.unique did over (paragraph, term) keys, less the sort. */
int64_t count_terms_per_paragraph(int64_t n_paragraphs, const int32_t *lengths, const int32_t *numbers,
                                  int64_t n_terms, int32_t *last, int32_t *slot, int32_t *out_terms,
                                  int32_t *out_counts, int64_t *out_per_paragraph) {
    int64_t at = 0, pairs = 0, bad = 0;
    for (int64_t p = 0; p < n_paragraphs; p++) {
        const int64_t first_pair = pairs;
        for (int32_t i = 0; i < lengths[p]; i++, at++) {
            const int32_t term = numbers[at];
            if (term < 0 || term >= n_terms) {
                bad = 1;
                continue;
            }
            if (last[term] != (int32_t)p) {
                last[term] = (int32_t)p;
                slot[term] = (int32_t)pairs;
                out_terms[pairs] = term;
                out_counts[pairs] = 1;
                pairs++;
            } else {
                out_counts[slot[term]]++;
            }
        }
        out_per_paragraph[p] = pairs - first_pair;
    }
    for (int64_t q = 0; q < pairs; q++) last[out_terms[q]] = -1;
    return bad ? -1 : pairs;
}
