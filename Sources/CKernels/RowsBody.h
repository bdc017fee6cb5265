// One variant of the row kernels; included by CKernels.c once per variant with:
//   SUFFIX          name suffix of this variant's functions
//   KFN             attributes of its functions (target features, always_inline)
//   OV_WIDTH        512: two blocks per zmm register (Q4_0 / Q4_1: four, see `rows_nibbles`);
//                   256: one block per ymm register
//   DPBUSD(acc,u,s) acc + Σ of four u8·s8 products per Int32 lane, exact (vpdpbusd, or
//                   vpmaddubsw + vpmaddwd where each pair sum provably fits in Int16)
//
// Legend: b = first block of a group of eight, count = blocks present in the group (1...8),
// WB / AB = bytes of a weight / activation block, WQ / AQ = offset of their quants.
//
// Integer part (exact, any order): per block Σ q_w·q_a. Signed weights use one of two exact
// rewrites so the unsigned operand of vpdpbusd is non-negative:
//   nibble types with an offset (Q4_0: q - 8, Q5_0: q - 16): Σ q·a - Σ offset·a;
//   Q8_0: Σ |w|·(a with w's sign)  (|w| ≤ 128 fits u8; |a| ≤ 127, so -a fits s8).
// Float part: the reference's per-block `(d_w·d_a)·Float(sum) [+ m_w·s_a]` for eight blocks as
// one 8-lane operation, block b+l in lane l, added to the accumulator lane l.

#define OV_CAT_(a, b) a##b
#define OV_CAT(a, b) OV_CAT_(a, b)
#define FN(name) OV_CAT(name, SUFFIX)

#if OV_WIDTH == 512
typedef __m512i FN(vec);

/// Bytes 0..<32: block j's 32 weights, bytes 32..<64: block k's (element order, see below).
/// Q4 packing: element e < 16 is the low nibble of byte e, element e + 16 its high nibble; so a
/// block's 16 bytes go to two 128-bit lanes, the second shifted right by four, then masked.
KFN __m512i FN(nibble_pair)(const uint8_t *qj, const uint8_t *qk) {
    __m256i xj = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)qj));
    __m256i xk = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)qk));
    __m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(xj), xk, 1);
    v = _mm512_srlv_epi64(v, _mm512_setr_epi64(0, 0, 4, 4, 0, 0, 4, 4));
    return _mm512_and_si512(v, _mm512_set1_epi8(0x0F));
}

/// Prepared weights of blocks j and k (unsigned bytes, or signed for Q8_0).
KFN __m512i FN(weights)(int format, const uint8_t *wj, const uint8_t *wk) {
    switch (format) {
    case OV_FORMAT_Q4_0: return FN(nibble_pair)(wj + 2, wk + 2);
    case OV_FORMAT_Q4_1: return FN(nibble_pair)(wj + 4, wk + 4);
    case OV_FORMAT_Q5_0: {
        // the fifth bit of element e is bit e of the block's qh: one mask bit per byte
        uint32_t hj, hk;
        memcpy(&hj, wj + 2, 4);
        memcpy(&hk, wk + 2, 4);
        __mmask64 fifth = (__mmask64)hj | (__mmask64)hk << 32;
        __m512i high = _mm512_maskz_mov_epi8(fifth, _mm512_set1_epi8(0x10));
        return _mm512_or_si512(FN(nibble_pair)(wj + 6, wk + 6), high);
    }
    default: {   // Q8_0
        __m256i lo = _mm256_loadu_si256((const __m256i *)(wj + 2));
        __m256i hi = _mm256_loadu_si256((const __m256i *)(wk + 2));
        return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
    }
    }
}

/// Activations of blocks j and k (k absent: zeros, so its products vanish).
KFN __m512i FN(activations)(const uint8_t *aj, const uint8_t *ak) {
    __m256i lo = _mm256_loadu_si256((const __m256i *)aj);
    __m256i hi = ak ? _mm256_loadu_si256((const __m256i *)ak) : _mm256_setzero_si256();
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

/// Int32 partial sums of Σ w·a (16 lanes: eight per block).
KFN __m512i FN(product)(int format, __m512i w, __m512i a) {
    const __m512i zero = _mm512_setzero_si512();
    switch (format) {
    case OV_FORMAT_Q4_1: return DPBUSD(zero, w, a);
    case OV_FORMAT_Q4_0: return _mm512_sub_epi32(DPBUSD(zero, w, a), DPBUSD(zero, _mm512_set1_epi8(8), a));
    case OV_FORMAT_Q5_0: return _mm512_sub_epi32(DPBUSD(zero, w, a), DPBUSD(zero, _mm512_set1_epi8(16), a));
    default: {
        __m512i signedA = _mm512_mask_sub_epi8(a, _mm512_movepi8_mask(w), zero, a);
        return DPBUSD(zero, _mm512_abs_epi8(w), signedA);
    }
    }
}

/// Lane l = Σ of block b+l's partial sums, from p[i] holding blocks i (low half) and i+4 (high).
KFN __m256i FN(combine)(__m512i p0, __m512i p1, __m512i p2, __m512i p3) {
    // per 128-bit lane i: [p0_i, p1_i, p2_i, p3_i] (each the sum of that lane's four Int32)
    __m512i x = _mm512_add_epi32(_mm512_unpacklo_epi32(p0, p1), _mm512_unpackhi_epi32(p0, p1));
    __m512i y = _mm512_add_epi32(_mm512_unpacklo_epi32(p2, p3), _mm512_unpackhi_epi32(p2, p3));
    __m512i z = _mm512_add_epi32(_mm512_unpacklo_epi64(x, y), _mm512_unpackhi_epi64(x, y));
    // lanes 0, 1 of z: halves of blocks 0...3; lanes 2, 3: halves of blocks 4...7
    __m256i lo = _mm512_castsi512_si256(z), hi = _mm512_extracti64x4_epi64(z, 1);
    return _mm256_add_epi32(_mm256_permute2x128_si256(lo, hi, 0x20), _mm256_permute2x128_si256(lo, hi, 0x31));
}

/// Integer sums of a group for `tokens` (1 or 4) activation rows, each weight pair prepared once.
KFN void FN(group_sums)(int format, int wb, int ab, const uint8_t *w, const uint8_t *const *a, int tokens,
                        int count, __m256i *sums) {
    __m512i p[4][4];
    for (int i = 0; i < 4; i++) {
        if (i >= count) {
            for (int t = 0; t < tokens; t++) p[t][i] = _mm512_setzero_si512();
            continue;
        }
        int k = i + 4 < count ? i + 4 : -1;
        __m512i wq = FN(weights)(format, w + i * wb, w + (k >= 0 ? k : i) * wb);
        int aq = ab == 36 ? 4 : 2;
        for (int t = 0; t < tokens; t++) {
            const uint8_t *aj = a[t] + i * ab + aq, *ak = k >= 0 ? a[t] + k * ab + aq : NULL;
            p[t][i] = FN(product)(format, wq, FN(activations)(aj, ak));
        }
    }
    for (int t = 0; t < tokens; t++) sums[t] = FN(combine)(p[t][0], p[t][1], p[t][2], p[t][3]);
}

/// Integer sums of a group's first `count` ≤ 2 blocks (a row's last blocks, e.g. 18 = 16 + 2):
/// both in one register, reduced on their own instead of as a group of eight.
KFN void FN(tail_sums)(int format, int wb, int ab, const uint8_t *w, const uint8_t *const *a, int tokens,
                       int count, __m256i *sums) {
    __m512i wq = FN(weights)(format, w, w + (count == 2 ? wb : 0));
    int aq = ab == 36 ? 4 : 2;
    for (int t = 0; t < tokens; t++) {
        __m512i p = FN(product)(format, wq, FN(activations)(a[t] + aq, count == 2 ? a[t] + ab + aq : NULL));
        __m256i h = _mm256_hadd_epi32(_mm512_castsi512_si256(p), _mm512_extracti64x4_epi64(p, 1));
        h = _mm256_hadd_epi32(h, h);   // per 128-bit lane: [block 0 part, block 1 part, same again]
        __m128i both = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
        sums[t] = _mm256_zextsi128_si256(_mm_move_epi64(both));
    }
}

#else   // OV_WIDTH == 256

/// Block weights as 32 bytes in element order: low nibbles, then high nibbles.
KFN __m256i FN(nibbles)(const uint8_t *qs) {
    __m128i x = _mm_loadu_si128((const __m128i *)qs);
    __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(x), _mm_srli_epi16(x, 4), 1);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

KFN __m256i FN(weights)(int format, const uint8_t *w) {
    switch (format) {
    case OV_FORMAT_Q4_0: return FN(nibbles)(w + 2);
    case OV_FORMAT_Q4_1: return FN(nibbles)(w + 4);
    case OV_FORMAT_Q5_0: {
        // byte e gets qh's byte e / 8 (per 128-bit lane of a broadcast), then tests bit e mod 8
        int32_t qh;
        memcpy(&qh, w + 2, 4);
        const __m256i byteOfBit = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                                   2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
        const __m256i bitInByte = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
        __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32(qh), byteOfBit);
        __m256i isSet = _mm256_cmpeq_epi8(_mm256_and_si256(spread, bitInByte), bitInByte);
        return _mm256_or_si256(FN(nibbles)(w + 6), _mm256_and_si256(isSet, _mm256_set1_epi8(0x10)));
    }
    default: return _mm256_loadu_si256((const __m256i *)(w + 2));
    }
}

KFN __m256i FN(product)(int format, __m256i w, __m256i a) {
    const __m256i zero = _mm256_setzero_si256();
    switch (format) {
    case OV_FORMAT_Q4_1: return DPBUSD(zero, w, a);
    case OV_FORMAT_Q4_0: return _mm256_sub_epi32(DPBUSD(zero, w, a), DPBUSD(zero, _mm256_set1_epi8(8), a));
    case OV_FORMAT_Q5_0: return _mm256_sub_epi32(DPBUSD(zero, w, a), DPBUSD(zero, _mm256_set1_epi8(16), a));
    default: return DPBUSD(zero, _mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w));
    }
}

KFN void FN(group_sums)(int format, int wb, int ab, const uint8_t *w, const uint8_t *const *a, int tokens,
                        int count, __m256i *sums) {
    __m256i p[4][8];
    int aq = ab == 36 ? 4 : 2;
    for (int j = 0; j < 8; j++) {
        if (j >= count) {
            for (int t = 0; t < tokens; t++) p[t][j] = _mm256_setzero_si256();
            continue;
        }
        __m256i wq = FN(weights)(format, w + j * wb);
        for (int t = 0; t < tokens; t++)
            p[t][j] = FN(product)(format, wq, _mm256_loadu_si256((const __m256i *)(a[t] + j * ab + aq)));
    }
    for (int t = 0; t < tokens; t++) {
        __m256i q0123 = _mm256_hadd_epi32(_mm256_hadd_epi32(p[t][0], p[t][1]), _mm256_hadd_epi32(p[t][2], p[t][3]));
        __m256i q4567 = _mm256_hadd_epi32(_mm256_hadd_epi32(p[t][4], p[t][5]), _mm256_hadd_epi32(p[t][6], p[t][7]));
        __m128i lo = _mm_add_epi32(_mm256_castsi256_si128(q0123), _mm256_extracti128_si256(q0123, 1));
        __m128i hi = _mm_add_epi32(_mm256_castsi256_si128(q4567), _mm256_extracti128_si256(q4567, 1));
        sums[t] = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    }
}
#endif

// MARK: float part, shared by both widths

/// The f16 weight scales d (and, for Q4_1, m) of the group's eight blocks as floats, +0 past
/// `count`. A full group of a 18- or 20-byte format is one word permutation of two 64-byte
/// loads (blocks 0...3 and 4...7 each lie within 64 bytes); otherwise the halves are read one
/// by one.
KFN void FN(scales)(int format, int wb, const uint8_t *w, int count, __m256 *d, __m256 *m) {
#if OV_WIDTH == 512
    if (count == 8 && (wb == 18 || wb == 20)) {
        __m512i lo = _mm512_loadu_si512((const void *)w), hi = _mm512_loadu_si512((const void *)(w + 4 * wb));
        int s = wb / 2;   // words per block
        // words 0..<8: d of blocks 0..<8; words 8..<16: the word after each (m for Q4_1)
        __m512i idx = _mm512_setr_epi32(0 | s << 16, 2 * s | 3 * s << 16, 32 | (32 + s) << 16,
                                        (32 + 2 * s) | (32 + 3 * s) << 16,
                                        1 | (s + 1) << 16, (2 * s + 1) | (3 * s + 1) << 16,
                                        33 | (33 + s) << 16, (33 + 2 * s) | (33 + 3 * s) << 16,
                                        0, 0, 0, 0, 0, 0, 0, 0);
        __m512i halves = _mm512_permutex2var_epi16(lo, idx, hi);
        *d = _mm256_cvtph_ps(_mm512_castsi512_si128(halves));
        if (format == OV_FORMAT_Q4_1) *m = _mm256_cvtph_ps(_mm512_extracti32x4_epi32(halves, 1));
        return;
    }
#endif
    // word by word into registers (narrow stores then one wide load would stall on forwarding)
    __m128i hd = _mm_setzero_si128(), hm = _mm_setzero_si128();
#define OV_SCALE(i)                                                                   \
    if (i < count) {                                                                  \
        uint16_t x;                                                                   \
        memcpy(&x, w + (i) * wb, 2);                                                  \
        hd = _mm_insert_epi16(hd, x, i);                                              \
        if (format == OV_FORMAT_Q4_1) {                                               \
            memcpy(&x, w + (i) * wb + 2, 2);                                          \
            hm = _mm_insert_epi16(hm, x, i);                                          \
        }                                                                             \
    }
    OV_SCALE(0) OV_SCALE(1) OV_SCALE(2) OV_SCALE(3) OV_SCALE(4) OV_SCALE(5) OV_SCALE(6) OV_SCALE(7)
#undef OV_SCALE
    *d = _mm256_cvtph_ps(hd);
    if (format == OV_FORMAT_Q4_1) *m = _mm256_cvtph_ps(hm);
}

/// The group's float block values from their integer sums (see the contract above).
KFN __m256 FN(values)(int format, __m256 dw, __m256 mw, const float *da, const float *sa, __m256i sums) {
    __m256 fs = _mm256_cvtepi32_ps(sums);
    __m256 v = _mm256_mul_ps(_mm256_mul_ps(dw, _mm256_loadu_ps(da)), fs);
    if (format == OV_FORMAT_Q4_1) v = _mm256_add_ps(v, _mm256_mul_ps(mw, _mm256_loadu_ps(sa)));
    return v;
}

/// ((0+4)+(2+6)) + ((1+5)+(3+7)), as `reduceLanes`.
KFN float FN(reduce)(__m256 v) {
    __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    return _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1)));
}

/// Adds the values of the group at block `b` (`count` blocks) to the accumulators.
KFN void FN(group)(int format, int wb, int ab, long scales, long padded, const uint8_t *w,
                   const uint8_t *const *a, int tokens, long b, int count, __m256 *acc) {
    const uint8_t *ag[4];
    for (int t = 0; t < tokens; t++) ag[t] = a[t] + b * ab;
    __m256i sums[4];
#if OV_WIDTH == 512
    if (count <= 2) FN(tail_sums)(format, wb, ab, w + b * wb, ag, tokens, count, sums);
    else
#endif
    FN(group_sums)(format, wb, ab, w + b * wb, ag, tokens, count, sums);
    __m256 dw, mw = _mm256_setzero_ps();
    FN(scales)(format, wb, w + b * wb, count, &dw, &mw);
    for (int t = 0; t < tokens; t++) {
        const float *da = (const float *)(a[t] + scales) + b;
        acc[t] = _mm256_add_ps(acc[t], FN(values)(format, dw, mw, da, da + padded, sums[t]));
    }
}

/// One weight row against `tokens` (1 or 4) activation rows: whole groups, then the rest.
KFN void FN(row)(int format, const uint8_t *w, const uint8_t *const *a, int tokens, long blocks, float *out) {
    const int wb = format == OV_FORMAT_Q4_0 ? 18 : format == OV_FORMAT_Q4_1 ? 20 : format == OV_FORMAT_Q5_0 ? 22 : 34;
    const int ab = format == OV_FORMAT_Q4_1 ? 36 : 34;
    const long scales = (blocks * ab + 31) & ~31L, padded = (blocks + 7) & ~7L;
    __m256 acc[4];
    for (int t = 0; t < tokens; t++) acc[t] = _mm256_setzero_ps();
    long b = 0;
    for (; b + 8 <= blocks; b += 8) FN(group)(format, wb, ab, scales, padded, w, a, tokens, b, 8, acc);
    if (b < blocks) FN(group)(format, wb, ab, scales, padded, w, a, tokens, b, (int)(blocks - b), acc);
    for (int t = 0; t < tokens; t++) out[t] = FN(reduce)(acc[t]);
}

#if OV_WIDTH == 512
/// Rows handled by `rows_tile`: full groups of rows up to 8192 elements (its stack arrays
/// hold `tokens` × blocks / 2 registers, twice).
#define OV_MAX_PAIRS 128

/// Rows r0..<r1 against one tile of `tokens` (1 or 4) activation rows. Every row of a chunk
/// meets the same activations, so the registers `activations` would build for each row —
/// blocks i and i + 4 of a group side by side — are built once per tile here, and with them
/// (Q4_0, Q5_0) the row-independent offset products Σ offset·a. The integer sums are the same
/// exact values and the float part the same operations as `row`; a last partial group goes
/// through `group` as before.
KFN void FN(rows_tile)(int format, const uint8_t *w, ptrdiff_t ws, long r0, long r1, long m, long blocks,
                       const uint8_t *const *a, int tokens, float *out) {
    const int wb = format == OV_FORMAT_Q4_0 ? 18 : format == OV_FORMAT_Q4_1 ? 20 : format == OV_FORMAT_Q5_0 ? 22 : 34;
    const int ab = format == OV_FORMAT_Q4_1 ? 36 : 34, aq = ab == 36 ? 4 : 2;
    const long scales = (blocks * ab + 31) & ~31L, padded = (blocks + 7) & ~7L;
    const long full = blocks / 8 * 8, slots = full / 2 > 0 ? full / 2 : 1;
    const int offset = format == OV_FORMAT_Q4_0 ? 8 : format == OV_FORMAT_Q5_0 ? 16 : 0;
    const __m512i zero = _mm512_setzero_si512();
    __m512i pairs[tokens][slots], offsets[offset ? tokens : 1][offset ? slots : 1];
    for (int t = 0; t < tokens; t++) {
        for (long b = 0; b < full; b += 8) {
            for (int i = 0; i < 4; i++) {
                __m512i v = FN(activations)(a[t] + (b + i) * ab + aq, a[t] + (b + i + 4) * ab + aq);
                pairs[t][b / 2 + i] = v;
                if (offset) offsets[t][b / 2 + i] = DPBUSD(zero, _mm512_set1_epi8((char)offset), v);
            }
        }
    }
    for (long r = r0; r < r1; r++) {
        const uint8_t *wr = w + r * ws;
        __m256 acc[4];
        for (int t = 0; t < tokens; t++) acc[t] = _mm256_setzero_ps();
        for (long b = 0; b < full; b += 8) {
            const uint8_t *wg = wr + b * wb;
            __m512i p[4][4];
            for (int i = 0; i < 4; i++) {
                __m512i wq = FN(weights)(format, wg + i * wb, wg + (i + 4) * wb);
                for (int t = 0; t < tokens; t++) {
                    if (offset) p[t][i] = _mm512_sub_epi32(DPBUSD(zero, wq, pairs[t][b / 2 + i]), offsets[t][b / 2 + i]);
                    else p[t][i] = FN(product)(format, wq, pairs[t][b / 2 + i]);
                }
            }
            __m256 dw, mw = _mm256_setzero_ps();
            FN(scales)(format, wb, wg, 8, &dw, &mw);
            for (int t = 0; t < tokens; t++) {
                const float *da = (const float *)(a[t] + scales) + b;
                __m256i sums = FN(combine)(p[t][0], p[t][1], p[t][2], p[t][3]);
                acc[t] = _mm256_add_ps(acc[t], FN(values)(format, dw, mw, da, da + padded, sums));
            }
        }
        if (full < blocks) FN(group)(format, wb, ab, scales, padded, wr, a, tokens, full, (int)(blocks - full), acc);
        for (int t = 0; t < tokens; t++) out[t * m + r] = FN(reduce)(acc[t]);
    }
}
#endif

#if OV_WIDTH == 512
/// Word index for `quad`: word 8j + e of the result is quant word e of block j, the first load
/// holding bytes 0..<64 of the four blocks and the second the last 64 of them. Block sizes and
/// quant offsets are even (Q4_0: 18 and 2, Q4_1: 20 and 4), so whole words move and no word
/// straddles the two loads; with `format` a constant the index folds into a constant vector.
KFN __m512i FN(quad_index)(int wb, int hdr) {
    uint16_t idx[32];
    for (int j = 0; j < 4; j++)
        for (int e = 0; e < 8; e++) {
            int src = j * wb + hdr + 2 * e;   // byte
            idx[8 * j + e] = (uint16_t)(src < 64 ? src / 2 : 32 + (src - (4 * wb - 64)) / 2);
        }
    return _mm512_loadu_si512((const void *)idx);
}

/// The 16 quant bytes of four consecutive blocks at g, block j in 128-bit lane j: two 64-byte
/// loads and one word permutation.
KFN __m512i FN(quad)(int wb, const uint8_t *g, __m512i idx) {
    __m512i l0 = _mm512_loadu_si512((const void *)g), l1 = _mm512_loadu_si512((const void *)(g + 4 * wb - 64));
    return _mm512_permutex2var_epi16(l0, idx, l1);
}

/// `quad` for the first `count` (1...4) of the four blocks, zeros for the others; reads no
/// byte past block count - 1 (masked loads; lanes of absent blocks are zeroed).
KFN __m512i FN(quad_part)(int wb, const uint8_t *g, int count, __m512i idx) {
    if (count <= 0) return _mm512_setzero_si512();
    if (count >= 4) return FN(quad)(wb, g, idx);
    long end = (long)count * wb, second = 4 * wb - 64;
    __mmask64 m0 = end >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << end) - 1;
    __mmask64 m1 = end > second ? (((__mmask64)1 << (end - second)) - 1) : 0;
    __m512i l0 = _mm512_maskz_loadu_epi8(m0, (const void *)g), l1 = _mm512_maskz_loadu_epi8(m1, (const void *)(g + second));
    return _mm512_maskz_permutex2var_epi16(((__mmask32)1 << (8 * count)) - 1, l0, idx, l1);
}

/// Lane l = Σ of block l's partial sums, from p0 (blocks 0...3, one per 128-bit lane) and p1
/// (blocks 4...7).
KFN __m256i FN(combine_quads)(__m512i p0, __m512i p1) {
    __m512i x = _mm512_add_epi32(_mm512_unpacklo_epi32(p0, p1), _mm512_unpackhi_epi32(p0, p1));
    __m512i y = _mm512_add_epi32(x, _mm512_shuffle_epi32(x, _MM_PERM_BADC));
    // 128-bit lane j of y: [block j, block j + 4, block j, block j + 4]
    __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 0, 0, 0, 0, 0, 0, 0, 0);
    return _mm512_castsi512_si256(_mm512_permutexvar_epi32(order, y));
}

/// Adds the group at block `b` (`count` ≤ 8 blocks) of one Q4_0 / Q4_1 row to the accumulators:
/// the arranged activation halves of that group are quads b / 4 and b / 4 + 1 of `lo` / `hi`
/// (rows of `quads` registers), `offsets` likewise for Q4_0.
KFN void FN(nibble_group)(int format, int wb, long scales, long padded, const uint8_t *wr,
                          const uint8_t *const *a, int tokens, long b, int count, __m512i idx, long quads,
                          const __m512i *lo, const __m512i *hi, const __m512i *offsets, __m256 *acc) {
    const __m512i zero = _mm512_setzero_si512(), mask4 = _mm512_set1_epi8(0x0F);
    const uint8_t *wg = wr + b * wb;
    __m512i w0 = FN(quad_part)(wb, wg, count, idx), w1 = FN(quad_part)(wb, wg + 4 * wb, count - 4, idx);
    __m512i lo0 = _mm512_and_si512(w0, mask4), hi0 = _mm512_and_si512(_mm512_srli_epi16(w0, 4), mask4);
    __m512i lo1 = _mm512_and_si512(w1, mask4), hi1 = _mm512_and_si512(_mm512_srli_epi16(w1, 4), mask4);
    __m256 dw, mw = _mm256_setzero_ps();
    FN(scales)(format, wb, wg, count, &dw, &mw);
    long q = b / 4;
    for (int t = 0; t < tokens; t++) {
        const __m512i *lt = lo + t * quads, *ht = hi + t * quads;
        __m512i p0 = DPBUSD(DPBUSD(zero, lo0, lt[q]), hi0, ht[q]);
        __m512i p1 = DPBUSD(DPBUSD(zero, lo1, lt[q + 1]), hi1, ht[q + 1]);
        if (format == OV_FORMAT_Q4_0) {
            p0 = _mm512_sub_epi32(p0, offsets[t * quads + q]);
            p1 = _mm512_sub_epi32(p1, offsets[t * quads + q + 1]);
        }
        const float *da = (const float *)(a[t] + scales) + b;
        acc[t] = _mm256_add_ps(acc[t], FN(values)(format, dw, mw, da, da + padded, FN(combine_quads)(p0, p1)));
    }
}

/// Q4_0 / Q4_1 rows against a tile of `tokens` activation rows, four blocks per register: low
/// nibbles (elements 0..<16 of each block) against the activations' first halves, high nibbles
/// against their second halves, both halves arranged once per tile. Same exact integer sums and
/// the same float operations as `row`.
KFN void FN(rows_nibbles)(int format, const uint8_t *w, ptrdiff_t ws, long r0, long r1, long m, long blocks,
                          const uint8_t *const *a, int tokens, float *out) {
    const int wb = format == OV_FORMAT_Q4_0 ? 18 : 20, hdr = format == OV_FORMAT_Q4_0 ? 2 : 4;
    const int ab = format == OV_FORMAT_Q4_1 ? 36 : 34, aq = ab == 36 ? 4 : 2;
    const long scales = (blocks * ab + 31) & ~31L, padded = (blocks + 7) & ~7L;
    const long full = blocks / 8 * 8, quads = full / 4 + 2;   // full groups', then the tail's
    const int offset = format == OV_FORMAT_Q4_0;
    const __m512i zero = _mm512_setzero_si512(), eights = _mm512_set1_epi8(8);
    const __m512i idx = FN(quad_index)(wb, hdr);
    __m512i lo[tokens][quads], hi[tokens][quads], offsets[offset ? tokens : 1][offset ? quads : 1];
    for (int t = 0; t < tokens; t++) {
        for (long q = 0; q < full / 4 + (full < blocks ? 2 : 0); q++) {
            __m512i l = zero, h = zero;
            for (int j = 0; j < 4 && q * 4 + j < blocks; j++) {
                const uint8_t *blk = a[t] + (q * 4 + j) * ab + aq;
                l = _mm512_mask_blend_epi64((__mmask8)(3 << (2 * j)), l, _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)blk)));
                h = _mm512_mask_blend_epi64((__mmask8)(3 << (2 * j)), h, _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(blk + 16))));
            }
            lo[t][q] = l;
            hi[t][q] = h;
            if (offset) offsets[t][q] = DPBUSD(DPBUSD(zero, eights, l), eights, h);
        }
    }
    for (long r = r0; r < r1; r++) {
        const uint8_t *wr = w + r * ws;
        __m256 acc[4];
        for (int t = 0; t < tokens; t++) acc[t] = _mm256_setzero_ps();
        for (long b = 0; b < full; b += 8)
            FN(nibble_group)(format, wb, scales, padded, wr, a, tokens, b, 8, idx, quads, &lo[0][0], &hi[0][0],
                             &offsets[0][0], acc);
        if (full < blocks)
            FN(nibble_group)(format, wb, scales, padded, wr, a, tokens, full, (int)(blocks - full), idx, quads,
                             &lo[0][0], &hi[0][0], &offsets[0][0], acc);
        for (int t = 0; t < tokens; t++) out[t * m + r] = FN(reduce)(acc[t]);
    }
}
#endif

/// Rows r0..<r1 of one format, tiles of four tokens then single tokens.
KFN void FN(rows_format)(int format, const uint8_t *w, ptrdiff_t ws, long r0, long r1, long m, long blocks,
                         const uint8_t *a, ptrdiff_t as, long tokens, float *out) {
    long t = 0;
    for (; t + 4 <= tokens; t += 4) {
        const uint8_t *at[4] = {a + t * as, a + (t + 1) * as, a + (t + 2) * as, a + (t + 3) * as};
#if OV_WIDTH == 512
        if (blocks / 2 <= OV_MAX_PAIRS && (format == OV_FORMAT_Q4_0 || format == OV_FORMAT_Q4_1)) {
            FN(rows_nibbles)(format, w, ws, r0, r1, m, blocks, at, 4, out + t * m);
            continue;
        }
        if (blocks / 2 <= OV_MAX_PAIRS) {
            FN(rows_tile)(format, w, ws, r0, r1, m, blocks, at, 4, out + t * m);
            continue;
        }
#endif
        for (long r = r0; r < r1; r++) {
            float v[4];
            FN(row)(format, w + r * ws, at, 4, blocks, v);
            for (int i = 0; i < 4; i++) out[(t + i) * m + r] = v[i];
        }
    }
    for (; t < tokens; t++) {
#if OV_WIDTH == 512
        if (blocks / 2 <= OV_MAX_PAIRS) {
            const uint8_t *at[1] = {a + t * as};
            if (format == OV_FORMAT_Q4_0 || format == OV_FORMAT_Q4_1) {
                FN(rows_nibbles)(format, w, ws, r0, r1, m, blocks, at, 1, out + t * m);
                continue;
            }
            FN(rows_tile)(format, w, ws, r0, r1, m, blocks, at, 1, out + t * m);
            continue;
        }
#endif
        const uint8_t *at[1] = {a + t * as};
        for (long r = r0; r < r1; r++) FN(row)(format, w + r * ws, at, 1, blocks, out + t * m + r);
    }
}

/// Entry point of this variant: one specialised copy per format.
__attribute__((target(OV_TARGET), noinline))
static int FN(ov_rows)(int format, const uint8_t *w, ptrdiff_t ws, long r0, long r1, long m, long blocks,
                       const uint8_t *a, ptrdiff_t as, long tokens, float *out) {
    switch (format) {
    case OV_FORMAT_Q4_0: FN(rows_format)(OV_FORMAT_Q4_0, w, ws, r0, r1, m, blocks, a, as, tokens, out); return 0;
    case OV_FORMAT_Q4_1: FN(rows_format)(OV_FORMAT_Q4_1, w, ws, r0, r1, m, blocks, a, as, tokens, out); return 0;
    case OV_FORMAT_Q8_0: FN(rows_format)(OV_FORMAT_Q8_0, w, ws, r0, r1, m, blocks, a, as, tokens, out); return 0;
    case OV_FORMAT_Q5_0: FN(rows_format)(OV_FORMAT_Q5_0, w, ws, r0, r1, m, blocks, a, as, tokens, out); return 0;
    default: return -1;
    }
}

#undef FN
