/* The BM25 serving loop in C: add up the query terms' impacts per paragraph and select the candidates that can
 * be in the best k, in one pass each, without the temporaries of the numpy path (index/bm25.py,
 * rank_with_accumulator, which this replaces when it is built and which tests hold it to).
 *
 * Plain C, no Python API: loaded with ctypes (index/kernel.py). Built by `pip install` as an optional
 * extension (setup.py); without a compiler the numpy path serves.
 *
 * Contract of bm25_select:
 *   - term t has lengths[t] postings: ascending unique paragraph ids[t][i] with float32 impacts[t][i] > 0;
 *     its contribution is (float)(impacts[t][i] * factors[t]), factors[t] > 0;
 *   - acc (and cov when shares != NULL) are zeroed float32 arrays indexed by paragraph id; they are left zeroed;
 *   - the score of a paragraph is its float32 sum, times its float32 coverage (the sum of shares[t] over the
 *     terms it holds) when shares != NULL;
 *   - writes to out_ids every paragraph whose approximate score is at least the k-th best approximate score
 *     minus twice the error bound e; e = relative_slack * the best approximate BM25 sum bounds the float32 sum's
 *     error (index/bm25.py approximation_slack), and with coverage (at most 1, its float32 error within the same
 *     relative bound) e doubles. Any paragraph of the exact best k is then written; returns how many.
 *   out_ids and out_values have room for the sum of lengths.
 */
#include <stdint.h>
#include <stdlib.h>

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

int64_t bm25_select(int32_t n_terms, const int32_t *const *ids, const float *const *impacts, const int64_t *lengths,
                    const double *factors, const double *shares, float *acc, float *cov, int32_t k,
                    double relative_slack, int32_t *out_ids, float *out_values) {
    int64_t count = 0, kept = 0;
    float best_sum = 0.0f, kth;
    int32_t heap_size = 0;
    float *heap;
    if (k <= 0) return 0;
    for (int32_t t = 0; t < n_terms; t++) {
        const int32_t *term_ids = ids[t];
        const float *term_impacts = impacts[t];
        const float factor = (float)factors[t];
        const int64_t n = lengths[t];
        for (int64_t i = 0; i < n; i++) acc[term_ids[i]] += term_impacts[i] * factor;
        if (shares != NULL) {
            const float share = (float)shares[t];
            for (int64_t i = 0; i < n; i++) cov[term_ids[i]] += share;
        }
    }
    heap = (float *)malloc(sizeof(float) * (size_t)k);
    if (heap == NULL) return -1;
    /* each touched paragraph once: its sum is read and cleared at its first posting (sums are > 0) */
    for (int32_t t = 0; t < n_terms; t++) {
        const int32_t *term_ids = ids[t];
        const int64_t n = lengths[t];
        for (int64_t i = 0; i < n; i++) {
            const int32_t id = term_ids[i];
            float sum = acc[id], score;
            if (sum == 0.0f) continue;
            acc[id] = 0.0f;
            score = sum;
            if (shares != NULL) {
                score = sum * cov[id];
                cov[id] = 0.0f;
            }
            if (sum > best_sum) best_sum = sum;
            out_ids[count] = id;
            out_values[count] = score;
            count++;
            heap_push_min(heap, &heap_size, k, score);
        }
    }
    kth = heap_size < k ? 0.0f : heap[0];
    free(heap);
    {
        const double error = relative_slack * (double)best_sum * (shares != NULL ? 2.0 : 1.0);
        const double floor = (double)kth - 2.0 * error;
        for (int64_t i = 0; i < count; i++) {
            if ((double)out_values[i] >= floor) out_ids[kept++] = out_ids[i];
        }
    }
    return kept;
}

/* Exact float64 BM25 (times coverage when shares != NULL) of n_candidates ascending unique paragraph ids, summed
 * term by term in query order with the same operations as index/bm25.py (_exact_scores, impacts_of), so the
 * scores are the numpy path's to the last bit. Term t: lengths[t] ascending ids[t], term frequencies tfs[t],
 * title bonuses bonuses[t] (NULL: none). norms: k1·(1 − b + b·dl/avgdl) per paragraph. Writes scores. */
void bm25_exact(int32_t n_terms, const int32_t *const *ids, const int32_t *const *tfs, const double *const *bonuses,
                const int64_t *lengths, const double *factors, const double *shares, const double *norms, double k1,
                int64_t n_candidates, const int32_t *candidates, double *scores) {
    for (int64_t c = 0; c < n_candidates; c++) {
        const int32_t id = candidates[c];
        double score = 0.0, coverage = 0.0;
        for (int32_t t = 0; t < n_terms; t++) {
            const int32_t *term_ids = ids[t];
            int64_t low = 0, high = lengths[t];
            while (low < high) { /* first position whose id >= id */
                const int64_t middle = low + (high - low) / 2;
                if (term_ids[middle] < id) low = middle + 1; else high = middle;
            }
            if (low < lengths[t] && term_ids[low] == id) {
                double tf = (double)tfs[t][low];
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
