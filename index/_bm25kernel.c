/* The BM25 serving loop in C: select the candidates that can be in the best k from float32 sums, document at
 * a time with MaxScore pruning (Turtle & Flood 1995; as in Lucene and PISA), then score them exactly
 * (bm25_exact). It replaces the numpy path of index/bm25.py (rank_with_accumulator, which adds up every
 * posting) when it is built; tests hold both to rank-bm25.
 *
 * Plain C, no Python API: loaded with ctypes (index/kernel.py). Built by `pip install` as an optional
 * extension (setup.py); without a compiler the numpy path serves.
 *
 * Contract of bm25_select:
 *   - term t has lengths[t] postings: ascending unique paragraph ids[t][i] with float32 impacts[t][i] > 0,
 *     the largest of them maxima[t]; its contribution is (float)(impacts[t][i] * (float)factors[t]), factors > 0;
 *   - the approximate score of a paragraph is the float32 sum of its contributions, times its float32 coverage
 *     (the sum of shares[t] over the terms it holds, at most 1) when shares != NULL;
 *   - tops[t] holds top_counts[t] positions of term t's highest impacts, best first (0 of them: none known);
 *   - acc (and cov when shares != NULL) are zeroed float32 arrays indexed by paragraph id; they are left zeroed;
 *   - e = relative_slack * the sum of the terms' largest contributions bounds any float32 sum's error
 *     (index/bm25.py approximation_slack); with coverage e doubles;
 *   - writes to out_ids (in no set order) paragraphs whose approximate score is at least the k-th best approximate
 *     score minus 2e, and among them every such paragraph that can be in the exact best k; returns how many.
 *     out_ids and out_values have room for the sum of lengths.
 *
 * MaxScore: with θ the k-th best approximate score so far, a term is non-essential when the terms of smaller
 * largest contribution together (with it) cannot reach θ: a paragraph holding only such terms cannot enter, so
 * candidates are walked in the essential terms' lists only, and the others are looked up in their lists (a
 * galloping search forward) while the paragraph can still reach θ. The margins make each skip sound: a skipped
 * paragraph's approximate score is below θ − 2e, and θ never exceeds the final k-th best by more than e.
 * θ starts from a few paragraphs that hold the terms' highest impacts, scored in full. When the walk would
 * cost more than adding up every posting (walk_cost_ratio, index/kernel.py), the essential terms' postings are
 * added up term at a time instead and the non-essential ones looked up for the few paragraphs that can still
 * reach θ (select_term_at_a_time); with coverage every posting is added up (select_exhaustive_with_coverage).
 */
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

/* θ starts from paragraphs that hold a term's highest impacts, each scored in full by looking it up in the other
 * terms' lists: about this many look-ups in all, at least 2 paragraphs a term (a fixed 48 paragraphs shared among
 * the terms cost an 8-term question 336 look-ups: at 1M paragraphs kernel time p50 0.48 -> 0.39 ms with 96, 3 terms
 * 0.147 -> 0.141 ms, 16 paragraphs a term either way; with coverage 1.50 -> 1.47 ms) */
#define SEED_LOOKUPS 96

static void heap_push_min(float *heap, int32_t *size, int32_t capacity, float value) {
    /* keeps the `capacity` largest values seen; heap[0] is the smallest of them */
    int32_t i;
    if (*size < capacity) {
        i = (*size)++;
        while (i > 0) {
            int32_t parent = (i - 1) / 2;
            if (heap[parent] <= value) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = value;
        return;
    }
    if (value <= heap[0]) return;
    i = 0;
    for (;;) {
        int32_t left = 2 * i + 1, right = left + 1, smallest = i;
        float smallest_value = value;
        if (left < *size && heap[left] < smallest_value) { smallest = left; smallest_value = heap[left]; }
        if (right < *size && heap[right] < smallest_value) { smallest = right; }
        if (smallest == i) break;
        heap[i] = heap[smallest];
        i = smallest;
    }
    heap[i] = value;
}

/* The candidates written so far (ids and approximate scores in out arrays with room for all), and θ: the k-th best
 * of them, or a lower bound of the final k-th best given at the start when higher */
typedef struct {
    int32_t *ids;
    float *values;
    int64_t count;
    float *heap; /* the k best written, for θ */
    int32_t heap_size, k;
    double theta, error;
} Candidates;

/* Writes a scored paragraph unless it is below θ − 2·error; returns whether θ rose. */
static int offer(Candidates *c, int32_t id, float score) {
    if ((double)score < c->theta - 2.0 * c->error) return 0;
    c->ids[c->count] = id;
    c->values[c->count] = score;
    c->count++;
    heap_push_min(c->heap, &c->heap_size, c->k, score);
    if (c->heap_size == c->k && (double)c->heap[0] > c->theta) {
        c->theta = (double)c->heap[0];
        return 1;
    }
    return 0;
}

/* Keeps the written paragraphs at or above the final θ − 2·error (every one that can be in the exact best k, since
 * θ is at most e above the final k-th best approximate score); returns how many. */
static int64_t near_theta(Candidates *c) {
    int64_t kept = 0;
    for (int64_t i = 0; i < c->count; i++) {
        if ((double)c->values[i] >= c->theta - 2.0 * c->error) {
            c->ids[kept] = c->ids[i];
            c->values[kept] = c->values[i];
            kept++;
        }
    }
    return kept;
}

/* the first position in [low, high) whose id is >= target (high if none): halving */
static int64_t lower_bound(const int32_t *ids, int64_t low, int64_t high, int32_t target) {
    while (low < high) {
        const int64_t middle = low + (high - low) / 2;
        if (ids[middle] < target) low = middle + 1; else high = middle;
    }
    return low;
}

/* the first position at or after `from` whose id is >= target (n if none): doubling steps, then halving */
static int64_t advance_to(const int32_t *ids, int64_t from, int64_t n, int32_t target) {
    int64_t low = from, high, step = 1;
    if (low >= n || ids[low] >= target) return low;
    for (;;) { /* ids[low] < target */
        high = low + step;
        if (high >= n) { high = n; break; }
        if (ids[high] >= target) break;
        low = high;
        step <<= 1;
    }
    return lower_bound(ids, low + 1, high, target);
}

/* Sums are looked at a chunk of CHUNK paragraph ids at a time (id >> CHUNK_BITS), through each chunk's largest sum */
#define CHUNK_BITS 6
#define CHUNK (1 << CHUNK_BITS)

/* every posting of a term added into acc, each chunk's largest sum kept in chunk_max (sums only grow) */
static void add_term(const int32_t *term_ids, const float *term_impacts, int64_t n, float factor, float *acc,
                     float *chunk_max) {
    for (int64_t j = 0; j < n; j++) {
        const int32_t id = term_ids[j];
        const float sum = acc[id] + term_impacts[j] * factor;
        float *largest = &chunk_max[id >> CHUNK_BITS];
        acc[id] = sum;
        *largest = sum > *largest ? sum : *largest;
    }
}

/* how many of the CHUNK sums from acc are above `bound`: a fixed count of compares the compiler turns into vector
 * instructions, no branch */
static int32_t chunk_above(const float *acc, float bound) {
    int32_t n = 0;
    for (int32_t i = 0; i < CHUNK; i++) n += acc[i] > bound;
    return n;
}

/* one past the last id of chunk c, of ids below n_ids */
static int64_t chunk_end(int64_t c, int64_t n_ids) {
    const int64_t end = (c + 1) << CHUNK_BITS;
    return end < n_ids ? end : n_ids;
}

/* `value` in float32, rounded down: a sum that could reach it is never taken for one that cannot */
static float float_below(double value) { return value > 0.0 ? nextafterf((float)value, 0.0f) : 0.0f; }

/* Plain BM25 term at a time with MaxScore (Turtle & Flood's bounds in a term-at-a-time pass, Moffat & Zobel's
 * "continue" strategy): every posting of the essential terms order[essential..n_terms) is added into acc; θ rises
 * to the k-th best of those sums (each at most its paragraph's final sum: float32 adds of non-negative parts never
 * lower a sum); the paragraphs that can still reach θ with the non-essential terms order[0..essential) are the
 * candidates, and the non-essential terms are looked up for them instead of adding up their lists. Most postings
 * of a long question are in a few common terms of small weight: those are what this skips. When a non-essential
 * term would leave many candidates, it is added up too. The sums are read back through the largest of each chunk
 * of 64 ids (chunk_max, n_chunks of them, zeroed, left zeroed): only chunks that can hold a candidate are read,
 * only touched ones cleared, where reading the postings again cost a random access each. n_ids: one more than
 * the largest id of any term. Writes the paragraphs at or above the final k-th best − 2·error; returns how many. */
static int64_t select_term_at_a_time(int32_t n_terms, const int32_t *const *ids, const float *const *impacts,
                                     const int64_t *lengths, const float *factor_f, const int32_t *order,
                                     const double *reach, int32_t essential, float *acc, float *chunk_max,
                                     int64_t n_ids, int32_t k, double theta, double error, double skip_margin,
                                     float *heap, int32_t *out_ids, float *out_values) {
    int64_t n_candidates = 0;
    const int64_t n_chunks = (n_ids + CHUNK - 1) >> CHUNK_BITS;
    int32_t heap_size = 0;
    float below; /* a sum at or under this cannot reach θ with the non-essential terms */
    for (int32_t i = essential; i < n_terms; i++) {
        const int32_t t = order[i];
        add_term(ids[t], impacts[t], lengths[t], factor_f[t], acc, chunk_max);
    }
    { /* θ from the sums so far (a sum missed here only leaves θ lower) */
        float above = float_below(theta);
        for (int64_t c = 0; c < n_chunks; c++) {
            if (!(chunk_max[c] > above)) continue;
            for (int64_t id = c << CHUNK_BITS; id < chunk_end(c, n_ids); id++) {
                if (!(acc[id] > above)) continue;
                heap_push_min(heap, &heap_size, k, acc[id]);
                if (heap_size == k && (double)heap[0] > theta) {
                    theta = (double)heap[0];
                    above = heap[0];
                }
            }
        }
        heap_size = 0;
    }
    for (;;) {
        const double rest = essential > 0 ? reach[essential - 1] : 0.0; /* the most the others add */
        below = float_below(theta - (essential > 0 ? skip_margin : 2.0 * error) - rest);
        if (essential == 0) break;
        { /* a look-up costs about as much as adding up 16 postings */
            const int32_t t = order[essential - 1];
            int64_t passing = 0;
            for (int64_t c = 0; c < n_chunks && passing * 16 <= lengths[t]; c++) {
                if (!(chunk_max[c] > below)) continue;
                if (chunk_end(c, n_ids) - (c << CHUNK_BITS) == CHUNK) {
                    passing += chunk_above(acc + (c << CHUNK_BITS), below);
                } else {
                    for (int64_t id = c << CHUNK_BITS; id < n_ids; id++) passing += acc[id] > below;
                }
            }
            if (passing * 16 <= lengths[t]) break;
            add_term(ids[t], impacts[t], lengths[t], factor_f[t], acc, chunk_max);
            essential--;
        }
    }
    /* the candidates, in id order; every other sum cleared */
    for (int64_t c = 0; c < n_chunks; c++) {
        const int64_t start = c << CHUNK_BITS, end = chunk_end(c, n_ids);
        if (chunk_max[c] == 0.0f) continue; /* untouched */
        if (!(chunk_max[c] > below)) {
            memset(acc + start, 0, sizeof(float) * (size_t)(end - start));
        } else {
            for (int64_t id = start; id < end; id++) {
                if (acc[id] > below) out_ids[n_candidates++] = (int32_t)id; /* its sum stays until it is scored */
                else acc[id] = 0.0f;
            }
        }
        chunk_max[c] = 0.0f;
    }
    for (int32_t i = essential - 1; i >= 0; i--) { /* the non-essential terms, the largest first */
        const int32_t t = order[i];
        const int32_t *term_ids = ids[t];
        const float factor = factor_f[t];
        int64_t at = 0, still = 0;
        for (int64_t c = 0; c < n_candidates; c++) {
            const int32_t id = out_ids[c];
            at = advance_to(term_ids, at, lengths[t], id);
            if (at < lengths[t] && term_ids[at] == id) acc[id] += impacts[t][at] * factor;
            /* dropped when the terms still left cannot lift it to θ */
            if (i > 0 && (double)acc[id] + reach[i - 1] < theta - skip_margin) {
                acc[id] = 0.0f;
                continue;
            }
            out_ids[still++] = id;
        }
        n_candidates = still;
    }
    { /* final sums: θ from them, those near it written (over the candidates' ids: each is read before written) */
        Candidates written = {out_ids, out_values, 0, heap, 0, k, theta, error};
        for (int64_t c = 0; c < n_candidates; c++) {
            const int32_t id = out_ids[c];
            const float score = acc[id];
            acc[id] = 0.0f;
            offer(&written, id, score);
        }
        return near_theta(&written);
    }
}

/* BM25 × coverage with every posting added up in acc and cov, term at a time, then each touched paragraph compared
 * with θ, the k-th best so far (from `theta`, a lower bound of it): cheaper than the walk when pruning would skip
 * little (long lists of similar weight), and here cheaper than a term-at-a-time pass with coverage through chunk
 * maxima of both arrays, which was tried (at 1M paragraphs, 8 terms, always taken: p50 1.97 against 2.17 ms).
 * Also tried, and within the noise (session 18): ids added up a block of 2^15 at a time, so a block's sums stay in
 * the core's cache; sums and coverages side by side in one array.
 * Writes the paragraphs at or above the final k-th best − 2·error; returns how many. */
static int64_t select_exhaustive_with_coverage(int32_t n_terms, const int32_t *const *ids, const float *const *impacts,
                                               const int64_t *lengths, const float *factor_f, const double *shares,
                                               float *acc, float *cov, int32_t k, double theta, double error,
                                               float *heap, int32_t *out_ids, float *out_values) {
    Candidates written = {out_ids, out_values, 0, heap, 0, k, theta, error};
    double bar = theta - 2.0 * error; /* what offer() writes: at least the k-th best so far − 2·error */
    for (int32_t t = 0; t < n_terms; t++) {
        const int32_t *term_ids = ids[t];
        const float *term_impacts = impacts[t];
        const float factor = factor_f[t], share = (float)shares[t];
        for (int64_t i = 0; i < lengths[t]; i++) {
            acc[term_ids[i]] += term_impacts[i] * factor;
            cov[term_ids[i]] += share;
        }
    }
    /* each touched paragraph once: its score is read and cleared at its first posting, so at a later one it reads 0
     * (never offered: with θ still 0 the bar is below 0). One branch, rarely taken, where testing for a cleared
     * score first was a branch taken at random: at 1M paragraphs, 8 terms, always taken, warm p50 1.55 -> 0.90 ms */
    for (int32_t t = 0; t < n_terms; t++) {
        const int32_t *term_ids = ids[t];
        for (int64_t i = 0; i < lengths[t]; i++) {
            const int32_t id = term_ids[i];
            const float score = acc[id] * cov[id];
            acc[id] = 0.0f;
            cov[id] = 0.0f;
            if ((double)score >= bar && score > 0.0f && offer(&written, id, score)) bar = written.theta - 2.0 * error;
        }
    }
    return near_theta(&written);
}

/* the position of paragraph `id` in ascending ids[0..n), or -1 */
static int64_t find(const int32_t *ids, int64_t n, int32_t id) {
    const int64_t at = advance_to(ids, 0, n, id);
    return at < n && ids[at] == id ? at : -1;
}

/* A lower bound of the k-th best approximate score, from paragraphs that hold a term's highest impacts (the
 * first `seeds` of each term's best positions `tops[t]`, best first, `top_counts[t]` of them), each scored in
 * full; 0 when fewer than k are found. Paragraphs seen under two terms count once. */
static double seed_threshold(int32_t n_terms, const int32_t *const *ids, const float *const *impacts,
                             const int64_t *lengths, const float *factor_f, const double *shares,
                             const int64_t *const *tops, const int64_t *top_counts, int32_t seeds, int32_t k,
                             float *heap) {
    int32_t heap_size = 0, n_seen = 0;
    int32_t seen[1024];
    for (int32_t t = 0; t < n_terms; t++) {
        const int64_t count = top_counts[t] < seeds ? top_counts[t] : seeds;
        for (int64_t s = 0; s < count && n_seen < 1024; s++) {
            const int32_t doc = ids[t][tops[t][s]];
            float sum = 0.0f, coverage = 0.0f;
            int repeated = 0;
            for (int32_t j = 0; j < n_seen && !repeated; j++) repeated = seen[j] == doc;
            if (repeated) continue;
            seen[n_seen++] = doc;
            for (int32_t u = 0; u < n_terms; u++) {
                const int64_t at = u == t ? tops[t][s] : find(ids[u], lengths[u], doc);
                if (at < 0) continue;
                sum += impacts[u][at] * factor_f[u];
                if (shares != NULL) coverage += (float)shares[u];
            }
            heap_push_min(heap, &heap_size, k, shares != NULL ? sum * coverage : sum);
        }
    }
    return heap_size < k ? 0.0 : (double)heap[0];
}

static int32_t seeds_per_term(int32_t n_terms) {
    const int32_t per_term = n_terms > 1 ? SEED_LOOKUPS / (n_terms * (n_terms - 1)) : SEED_LOOKUPS;
    return per_term > 2 ? per_term : 2;
}

/* The first essential term, from `essential` on: terms order[0..i] are non-essential while a paragraph holding only
 * them (alone[i], the most it can score) cannot reach `limit` (θ less the skip margin). */
static int32_t first_essential(int32_t essential, int32_t n_terms, const double *alone, double limit) {
    while (essential < n_terms && alone[essential] < limit) essential++;
    return essential;
}

int64_t bm25_select(int32_t n_terms, const int32_t *const *ids, const float *const *impacts, const int64_t *lengths,
                    const double *factors, const double *shares, const float *maxima, const int64_t *const *tops,
                    const int64_t *top_counts, float *acc, float *cov, int32_t k, double relative_slack,
                    double walk_cost_ratio, int32_t *out_ids, float *out_values) {
    int64_t count = 0;
    int32_t essential = 0; /* order[0..essential) are the non-essential terms */
    double theta = 0.0, error, skip_margin;
    Candidates walked; /* by the walk: θ from the seeds' bound, then the k-th best written */
    float *heap = NULL, *factor_f = NULL;
    int32_t *order = NULL;
    int64_t *cursor = NULL;
    int32_t *current = NULL; /* by place in `order`: the id at an essential term's cursor (INT32_MAX: none left) */
    double *largest = NULL, *reach = NULL, *reach_share = NULL, *alone = NULL;
    if (k <= 0 || n_terms <= 0) return 0;
    heap = (float *)malloc(sizeof(float) * (size_t)k);
    factor_f = (float *)malloc(sizeof(float) * (size_t)n_terms);
    order = (int32_t *)malloc(sizeof(int32_t) * (size_t)n_terms);
    cursor = (int64_t *)calloc((size_t)n_terms, sizeof(int64_t));
    current = (int32_t *)malloc(sizeof(int32_t) * (size_t)n_terms);
    largest = (double *)malloc(sizeof(double) * (size_t)n_terms);
    reach = (double *)malloc(sizeof(double) * (size_t)n_terms);
    reach_share = (double *)malloc(sizeof(double) * (size_t)n_terms);
    alone = (double *)malloc(sizeof(double) * (size_t)n_terms);
    if (!heap || !factor_f || !order || !cursor || !current || !largest || !reach || !reach_share || !alone) {
        count = -1;
        goto done;
    }
    /* terms by largest contribution, ascending (insertion sort: a question has a few dozen terms at most);
     * rounding is monotone, so the largest contribution is the largest impact's */
    for (int32_t t = 0; t < n_terms; t++) {
        int32_t i = t;
        factor_f[t] = (float)factors[t];
        largest[t] = (double)(maxima[t] * factor_f[t]);
        while (i > 0 && largest[order[i - 1]] > largest[t]) { order[i] = order[i - 1]; i--; }
        order[i] = t;
    }
    { /* reach[i]: the most the terms order[0..i] add to a sum; reach_share[i]: to a coverage; alone[i]: the most
       * a paragraph holding only those terms scores */
        double sum = 0.0, share_sum = 0.0;
        for (int32_t i = 0; i < n_terms; i++) {
            sum += largest[order[i]];
            share_sum += shares != NULL ? shares[order[i]] : 0.0;
            reach[i] = sum;
            reach_share[i] = share_sum;
            alone[i] = shares == NULL ? sum : sum * (share_sum < 1.0 ? share_sum : 1.0);
        }
        error = relative_slack * sum * (shares != NULL ? 2.0 : 1.0);
    }
    /* a paragraph is skipped when even its bound is below θ − 3e: its approximate score, within e of the bound's
     * computation, would be below θ − 2e */
    skip_margin = 3.0 * error;
    /* start from k paragraphs that hold high impacts: most terms are then non-essential from the first step.
     * Each seed's sum is within 2e of the one the walk computes, so θ starts 2e below their k-th best */
    theta = seed_threshold(n_terms, ids, impacts, lengths, factor_f, shares, tops, top_counts,
                           seeds_per_term(n_terms), k, heap);
    theta = theta > 2.0 * error ? theta - 2.0 * error : 0.0;
    essential = first_essential(essential, n_terms, alone, theta - skip_margin);
    { /* the walk costs about a comparison per essential term and paragraph of the essential lists; adding up
       * every posting costs two random accesses a posting */
        int64_t all = 0, walked = 0;
        for (int32_t i = 0; i < n_terms; i++) {
            all += lengths[order[i]];
            if (i >= essential) walked += lengths[order[i]];
        }
        if ((double)walked * (double)(n_terms - essential) > walk_cost_ratio * (double)all) {
            if (shares != NULL) {
                count = select_exhaustive_with_coverage(n_terms, ids, impacts, lengths, factor_f, shares, acc, cov, k,
                                                        theta, error, heap, out_ids, out_values);
            } else {
                int64_t n_ids = 0; /* one more than the largest id: the chunks' largest sums */
                float *chunk_max;
                for (int32_t t = 0; t < n_terms; t++) {
                    if (lengths[t] > 0 && (int64_t)ids[t][lengths[t] - 1] + 1 > n_ids)
                        n_ids = (int64_t)ids[t][lengths[t] - 1] + 1;
                }
                chunk_max = (float *)calloc((size_t)(n_ids >> CHUNK_BITS) + 1, sizeof(float));
                if (chunk_max == NULL) {
                    count = -1;
                    goto done;
                }
                count = select_term_at_a_time(n_terms, ids, impacts, lengths, factor_f, order, reach, essential, acc,
                                              chunk_max, n_ids, k, theta, error, skip_margin, heap, out_ids,
                                              out_values);
                free(chunk_max);
            }
            goto done;
        }
    }
    walked = (Candidates){out_ids, out_values, 0, heap, 0, k, theta, error};
    for (int32_t i = 0; i < n_terms; i++) current[i] = lengths[order[i]] > 0 ? ids[order[i]][0] : INT32_MAX;
    for (;;) {
        int32_t doc = INT32_MAX;
        float sum = 0.0f, coverage = 0.0f, score;
        int skipped = 0;
        for (int32_t i = essential; i < n_terms; i++) doc = current[i] < doc ? current[i] : doc;
        if (doc == INT32_MAX) break;
        for (int32_t i = n_terms - 1; i >= essential; i--) {
            if (current[i] == doc) {
                const int32_t t = order[i];
                sum += impacts[t][cursor[t]] * factor_f[t];
                if (shares != NULL) coverage += (float)shares[t];
                cursor[t]++;
                current[i] = cursor[t] < lengths[t] ? ids[t][cursor[t]] : INT32_MAX;
            }
        }
        for (int32_t i = essential - 1; i >= 0; i--) { /* non-essential terms, the largest first */
            const int32_t t = order[i];
            double most = (double)sum + reach[i];
            if (shares != NULL) {
                const double c = (double)coverage + reach_share[i];
                most *= c < 1.0 ? c : 1.0;
            }
            if (most < walked.theta - skip_margin) {
                skipped = 1;
                break;
            }
            cursor[t] = advance_to(ids[t], cursor[t], lengths[t], doc);
            if (cursor[t] < lengths[t] && ids[t][cursor[t]] == doc) {
                sum += impacts[t][cursor[t]] * factor_f[t];
                if (shares != NULL) coverage += (float)shares[t];
            }
        }
        if (skipped) continue;
        score = shares != NULL ? sum * coverage : sum;
        if (offer(&walked, doc, score))
            essential = first_essential(essential, n_terms, alone, walked.theta - skip_margin);
    }
    count = near_theta(&walked);
done:
    free(heap);
    free(factor_f);
    free(order);
    free(cursor);
    free(current);
    free(largest);
    free(reach);
    free(reach_share);
    free(alone);
    return count;
}

/* Exact float64 BM25 (times coverage when shares != NULL) of n_candidates ascending unique paragraph ids, summed
 * term by term in query order with the same operations as index/bm25.py (_exact_scores, impacts_of), so the
 * scores are the numpy path's to the last bit. Term t: lengths[t] ascending ids[t], term frequencies in the low 16
 * bits of tfs[t] (stored postings as they are, or frequencies below 65536 as int32), title bonuses bonuses[t]
 * (NULL: none). norms: k1·(1 − b + b·dl/avgdl) per paragraph. Writes scores. */
void bm25_exact(int32_t n_terms, const int32_t *const *ids, const uint32_t *const *tfs, const double *const *bonuses,
                const int64_t *lengths, const double *factors, const double *shares, const double *norms, double k1,
                int64_t n_candidates, const int32_t *candidates, double *scores) {
    for (int64_t c = 0; c < n_candidates; c++) {
        const int32_t id = candidates[c];
        double score = 0.0, coverage = 0.0;
        for (int32_t t = 0; t < n_terms; t++) {
            const int32_t *term_ids = ids[t];
            const int64_t low = lower_bound(term_ids, 0, lengths[t], id);
            if (low < lengths[t] && term_ids[low] == id) {
                double tf = (double)(tfs[t][low] & 0xFFFFu); /* stored postings: the length is above */
                const double denominator = norms[id] + tf;
                tf *= k1 + 1.0;
                tf /= denominator;
                if (bonuses[t] != NULL) tf += bonuses[t][low];
                score += tf * factors[t];
                if (shares != NULL) coverage += shares[t];
            }
        }
        scores[c] = shares != NULL ? score * coverage : score;
    }
}

typedef struct {
    double score;
    int32_t id;
} Ranked;

/* the better of two scored paragraphs first: the higher score, then the lower id (index/bm25.py top_k's order) */
static int ranked_order(const void *a, const void *b) {
    const Ranked *x = (const Ranked *)a, *y = (const Ranked *)b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* The whole ranking in one call from Python: bm25_select's candidates (into work_ids / work_values, with room for
 * the sum of lengths), their exact scores (bm25_exact: tfs, bonuses and norms as there), and the best k of them by
 * exact score, ties by the lower id, written to out_ids / out_scores (room for k). Returns how many (at most k),
 * -1 when memory ran out. Crossing from Python once instead of three times (select, exact, then top k in numpy)
 * spared a 3-term question at 1M paragraphs ~15-20 µs of argument building and array handling. */
int64_t bm25_rank(int32_t n_terms, const int32_t *const *ids, const float *const *impacts, const uint32_t *const *tfs,
                  const double *const *bonuses, const int64_t *lengths, const double *factors, const double *shares,
                  const float *maxima, const int64_t *const *tops, const int64_t *top_counts, float *acc, float *cov,
                  const double *norms, double k1, int32_t k, double relative_slack, double walk_cost_ratio,
                  int32_t *work_ids, float *work_values, int32_t *out_ids, double *out_scores) {
    double *scores;
    Ranked *ranked;
    int64_t kept = bm25_select(n_terms, ids, impacts, lengths, factors, shares, maxima, tops, top_counts, acc, cov, k,
                               relative_slack, walk_cost_ratio, work_ids, work_values);
    if (kept <= 0) return kept;
    scores = (double *)malloc(sizeof(double) * (size_t)kept);
    ranked = (Ranked *)malloc(sizeof(Ranked) * (size_t)kept);
    if (scores == NULL || ranked == NULL) {
        free(scores);
        free(ranked);
        return -1;
    }
    bm25_exact(n_terms, ids, tfs, bonuses, lengths, factors, shares, norms, k1, kept, work_ids, scores);
    for (int64_t c = 0; c < kept; c++) ranked[c] = (Ranked){scores[c], work_ids[c]};
    qsort(ranked, (size_t)kept, sizeof(Ranked), ranked_order);
    if (kept > k) kept = k;
    for (int64_t c = 0; c < kept; c++) {
        out_ids[c] = ranked[c].id;
        out_scores[c] = ranked[c].score;
    }
    free(scores);
    free(ranked);
    return kept;
}

/* A term's postings as stored (index/schema.py): each uint32 holds a term frequency in its low 16 bits and the
 * paragraph's length in its high 16. Writes the float32 impacts (the frequencies are read where they are stored:
 * a copy cost a fresh page a thousand postings, ~1.7 ns a posting at a term's first read) as index/bm25.py impacts_of
 * computes them (float64, the same operations in the same order: (k1+1)·tf/(norm+tf)), rounded to float32 as
 * numpy's astype does: the index reader's work per term loaded, in one pass without temporaries. The norm is
 * read from a table by length, which stays in cache: reading each paragraph's norm from an array of all of them
 * cost a cache miss a posting, most of a term's first read at 1M paragraphs (session 13). */
void bm25_unpack_impacts(int64_t n, const uint32_t *packed, const double *norm_by_length, double k1, float *out) {
    const double scale = k1 + 1.0;
    for (int64_t i = 0; i < n; i++) {
        const uint32_t value = packed[i];
        double tf = (double)(value & 0xFFFFu);
        const double denominator = norm_by_length[value >> 16] + tf;
        tf *= scale;
        tf /= denominator;
        out[i] = (float)tf;
    }
}

/* whether (value a at position pa) ranks below (b at pb): a lower impact, or the same at a later position */
static int ranks_below(float a, int64_t pa, float b, int64_t pb) { return a < b || (a == b && pa > pb); }

/* Places position p at slot i of the heap out[0..size) (whose root is its worst) and sifts it down. */
static void sift_down(int64_t *out, int64_t size, const float *impacts, int64_t i, int64_t p) {
    const float value = impacts[p];
    for (;;) {
        const int64_t left = 2 * i + 1, right = left + 1;
        int64_t worst = i, worst_position = p;
        float worst_value = value;
        if (left < size && ranks_below(impacts[out[left]], out[left], worst_value, worst_position)) {
            worst = left;
            worst_value = impacts[out[left]];
            worst_position = out[left];
        }
        if (right < size && ranks_below(impacts[out[right]], out[right], worst_value, worst_position)) worst = right;
        if (worst == i) break;
        out[i] = out[worst];
        i = worst;
    }
    out[i] = p;
}

/* Positions of the `count` highest of n impacts, best first, ties by position (the earlier first); returns how
 * many (min(count, n)). One pass with a heap of the best so far, whose root is the worst of them. */
int64_t bm25_top_positions(int64_t n, const float *impacts, int64_t count, int64_t *out) {
    int64_t size = 0;
    if (count > n) count = n;
    if (count <= 0) return 0;
    float worst = 0.0f; /* the root's impact once the heap is full */
    for (int64_t p = 0; p < n; p++) {
        const float value = impacts[p];
        if (size < count) { /* sift up */
            int64_t i = size++;
            while (i > 0) {
                const int64_t parent = (i - 1) / 2;
                if (!ranks_below(value, p, impacts[out[parent]], out[parent])) break;
                out[i] = out[parent];
                i = parent;
            }
            out[i] = p;
            if (size == count) worst = impacts[out[0]];
        } else if (value > worst) {
            /* better than the worst kept: every kept position is earlier than p, so an equal impact is not */
            sift_down(out, size, impacts, 0, p);
            worst = impacts[out[0]];
        }
    }
    /* heap sort: the worst moves to the end, again and again */
    for (int64_t end = size - 1; end > 0; end--) {
        const int64_t last = out[end];
        out[end] = out[0];
        sift_down(out, end, impacts, 0, last);
    }
    return size;
}

/* Postings grouped by term and packed as stored, for the index writer (index/postings_builder.py
 * grouped_postings): (term, paragraph, frequency) triples that arrive in ascending paragraph order, in n_pieces
 * pieces as the build's units made them (piece p: sizes[p] triples at terms[p], paragraphs[p], freqs[p]),
 * reordered by term with each term's paragraphs kept in that order — a counting sort, two passes over the triples
 * where sorting them took most of a 1M-paragraph build's last seconds. Read in their pieces, they are never copied
 * into one array first; packed while placed (frequency | paragraph length << 16, stored_postings.pack_frequencies,
 * the length read from lengths[paragraph - first_id]), no pass gathers lengths and packs after: grouping at 1M
 * paragraphs 2.9 s → 1.2–1.7 s. cursor: n_terms int64; on return, each term's count. Returns 0; -1 (the output
 * unusable) when a term is outside [0, n_terms), a paragraph outside the lengths, or the paragraphs not in
 * ascending order: the caller sorts instead; -2 when a frequency or length is above packed_max. */
int64_t bm25_group_by_term(int64_t n_pieces, const int64_t *sizes, const int32_t *const *terms,
                           const int32_t *const *paragraphs, const int32_t *const *freqs, int64_t n_terms,
                           const int32_t *lengths, int64_t first_id, int64_t n_lengths, int64_t packed_max,
                           int64_t *cursor, int32_t *out_paragraphs, uint32_t *out_packed) {
    for (int64_t t = 0; t < n_terms; t++) cursor[t] = 0;
    int64_t previous = INT64_MIN;
    for (int64_t p = 0; p < n_pieces; p++) {
        const int32_t *piece_terms = terms[p], *piece_paragraphs = paragraphs[p], *piece_freqs = freqs[p];
        for (int64_t i = 0; i < sizes[p]; i++) {
            const int32_t term = piece_terms[i];
            const int64_t paragraph = piece_paragraphs[i];
            if (term < 0 || term >= n_terms || paragraph < previous) return -1;
            if (paragraph != previous) {
                if (paragraph < first_id || paragraph - first_id >= n_lengths) return -1;
                const int32_t length = lengths[paragraph - first_id];
                if (length < 0 || length > packed_max) return -2;
                previous = paragraph;
            }
            if (piece_freqs[i] < 0 || piece_freqs[i] > packed_max) return -2;
            cursor[term]++;
        }
    }
    int64_t start = 0;
    for (int64_t t = 0; t < n_terms; t++) {
        const int64_t count = cursor[t];
        cursor[t] = start;
        start += count;
    }
    for (int64_t p = 0; p < n_pieces; p++) {
        const int32_t *piece_terms = terms[p], *piece_paragraphs = paragraphs[p], *piece_freqs = freqs[p];
        for (int64_t i = 0; i < sizes[p]; i++) {
            const int64_t at = cursor[piece_terms[i]]++;
            const int32_t paragraph = piece_paragraphs[i];
            out_paragraphs[at] = paragraph;
            out_packed[at] = (uint32_t)piece_freqs[i] | (uint32_t)lengths[paragraph - first_id] << 16;
        }
    }
    /* each cursor is now where its term's postings end: their counts are the differences */
    int64_t begin = 0;
    for (int64_t t = 0; t < n_terms; t++) {
        const int64_t end = cursor[t];
        cursor[t] = end - begin;
        begin = end;
    }
    return 0;
}
