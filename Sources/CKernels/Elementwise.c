// Elementwise work between the matrix products, with AVX-512: activation quantization to
// Q8_0 / Q8_1, and the exponentials of softmax and SiLU. Each function computes the same bits as
// its Swift reference — every step is the same IEEE operation, lane by lane — so it changes
// speed only; tests hold each to the reference (Tests/KernelsTests/ElementwisePathTests.swift).
// This file is compiled with -ffp-contract=off like the row kernels: no multiply and add are
// fused except where the reference itself uses a fused multiply-add (fexp).

#include "CKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define EFN static inline __attribute__((always_inline, target("avx2,fma,f16c,avx512f,avx512bw,avx512vl")))
/// Bitwise float operations through the integer unit (the _ps forms need AVX-512DQ).
#define OV_AND(a, b) _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)))
#define OV_ANDNOT(a, b) _mm512_castsi512_ps(_mm512_andnot_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)))
#define OV_OR(a, b) _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)))
#define OV_XOR(a, b) _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)))
#define ENTRY __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl"), noinline)) static

// ---- activation quantization -----------------------------------------------------------------
//
// The Swift `quantizeRowQ8_0` / `quantizeRowQ8_1` (ActivationQuant.swift) followed by
// `ActivationSideArrays.fill`:
//   amax = max |x| over the block (exact, any order)      d = amax / 127     id = d ? 1 / d : 0
//   q = round half away from zero (x · id): t = trunc(v), then t ± 1 when |v - t| ≥ 0.5
//       (v - t is exact: t is v with its fraction bits cleared)
//   Q8_1 also s = f16(Float(Σ q) · d); d is stored as f16 (round to nearest even, as Float16(d)).

/// Round half away from zero of integral-or-not floats (|v| ≤ 127.5 here), as Int32.
EFN __m512i ov_round_half_away(__m512 v) {
    const __m512 absMask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
    __m512 t = _mm512_roundscale_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    __m512 frac = OV_AND(_mm512_sub_ps(v, t), absMask);
    __mmask16 up = _mm512_cmp_ps_mask(frac, _mm512_set1_ps(0.5f), _CMP_GE_OQ);
    // ±1 with v's sign
    __m512 one = OV_OR(_mm512_set1_ps(1.0f), OV_ANDNOT(absMask, v));
    return _mm512_cvttps_epi32(_mm512_mask_add_ps(t, up, t, one));
}

EFN uint16_t ov_half(float f) {
    return (uint16_t)_mm_extract_epi16(_mm_cvtps_ph(_mm_set_ss(f), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), 0);
}

EFN float ov_float(uint16_t h) { return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h))); }

ENTRY void ov_quantize_avx512(int with_sum, const float *x, uint8_t *row, long count, long scales, long sums) {
    const __m512 absMask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
    const long blocks = count / 32, bb = with_sum ? 36 : 34, qo = with_sum ? 4 : 2;
    for (long b = 0; b < blocks; b++) {
        const float *src = x + b * 32;
        uint8_t *block = row + b * bb;
        __m512 v0 = _mm512_loadu_ps(src), v1 = _mm512_loadu_ps(src + 16);
        float amax = _mm512_reduce_max_ps(_mm512_max_ps(OV_AND(v0, absMask), OV_AND(v1, absMask)));
        float d = amax / 127.0f;
        float id = d != 0 ? 1.0f / d : 0.0f;
        __m512 s = _mm512_set1_ps(id);
        __m512i q0 = ov_round_half_away(_mm512_mul_ps(v0, s)), q1 = ov_round_half_away(_mm512_mul_ps(v1, s));
        _mm_storeu_si128((__m128i *)(block + qo), _mm512_cvtsepi32_epi8(q0));
        _mm_storeu_si128((__m128i *)(block + qo + 16), _mm512_cvtsepi32_epi8(q1));
        uint16_t dh = ov_half(d);
        memcpy(block, &dh, 2);
        if (scales >= 0) {
            float df = ov_float(dh);
            memcpy(row + scales + 4 * b, &df, 4);
        }
        if (with_sum) {
            int sum = _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
            uint16_t sh = ov_half((float)sum * d);
            memcpy(block + 2, &sh, 2);
            if (sums >= 0) {
                float sf = ov_float(sh);
                memcpy(row + sums + 4 * b, &sf, 4);
            }
        }
    }
}

// ---- exp, SiLU and softmax exponentials, 16 lanes at a time --------------------------------
//
// The same operations as the Swift `fexp` (Sources/Kernels/MathFunctions.swift), lane by lane:
// k = roundeven(x·log2e); r = fma(-k, ln2Lo, fma(-k, ln2Hi, x)); degree-7 Horner with fma;
// then p·2^k by the same one or two exact multiplications; NaN passes through, x > 88.72283 is
// +inf, x < -103.97208 is 0. FMA here is the IEEE fused operation, as Swift's addingProduct.
/// -x (the sign bit flipped, as Swift's prefix minus; 0 - x would give +0 for +0).
EFN __m512 ov_negate(__m512 x) { return OV_XOR(x, _mm512_set1_ps(-0.0f)); }

EFN __m512 ov_fexp16(__m512 x) {
    const __m512 log2e = _mm512_set1_ps(1.4426950408889634f);
    const __m512 ln2Hi = _mm512_set1_ps(0.693145751953125f), ln2Lo = _mm512_set1_ps(1.428606765330187045e-06f);
    __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 nk = ov_negate(k);
    __m512 r = _mm512_fmadd_ps(nk, ln2Hi, x);
    r = _mm512_fmadd_ps(nk, ln2Lo, r);
    __m512 p = _mm512_fmadd_ps(r, _mm512_set1_ps(1.0f / 5040.0f), _mm512_set1_ps(1.0f / 720.0f));
    p = _mm512_fmadd_ps(r, p, _mm512_set1_ps(1.0f / 120.0f));
    p = _mm512_fmadd_ps(r, p, _mm512_set1_ps(1.0f / 24.0f));
    p = _mm512_fmadd_ps(r, p, _mm512_set1_ps(1.0f / 6.0f));
    p = _mm512_fmadd_ps(r, p, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(r, p, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(r, p, _mm512_set1_ps(1.0f));
    // k is integral and in [-150, 128] wherever the result is used (lanes out of range are
    // replaced below), so the conversion is exact.
    __m512i ki = _mm512_cvttps_epi32(_mm512_max_ps(_mm512_min_ps(k, _mm512_set1_ps(200.0f)), _mm512_set1_ps(-200.0f)));
    const __m512i bias = _mm512_set1_epi32(127);
    // k ≤ 127 and k ≥ -126: p · 2^k
    __m512 normal = _mm512_mul_ps(p, _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(ki, bias), 23)));
    // k > 127: p · 2^127 · 2^(k-127)
    __m512 big = _mm512_mul_ps(_mm512_mul_ps(p, _mm512_castsi512_ps(_mm512_set1_epi32(254 << 23))),
                               _mm512_castsi512_ps(_mm512_slli_epi32(ki, 23)));
    // k < -126: (p · 2^-126) · 2^(k+126)
    __m512 small = _mm512_mul_ps(_mm512_mul_ps(p, _mm512_castsi512_ps(_mm512_set1_epi32(1 << 23))),
                                 _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(ki, _mm512_set1_epi32(253)), 23)));
    __mmask16 isBig = _mm512_cmp_epi32_mask(ki, bias, _MM_CMPINT_NLE);
    __mmask16 isSmall = _mm512_cmp_epi32_mask(ki, _mm512_set1_epi32(-126), _MM_CMPINT_LT);
    __m512 y = _mm512_mask_blend_ps(isBig, normal, big);
    y = _mm512_mask_blend_ps(isSmall, y, small);
    y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(88.72283f), _CMP_GT_OQ), y, _mm512_set1_ps(__builtin_inff()));
    y = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(-103.97208f), _CMP_LT_OQ), y, _mm512_setzero_ps());
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), y, x);
}

/// x[i] = fexp(x[i] - shift) for i < n (the tail through a masked load and store).
ENTRY void ov_exp_shifted_avx512(float *x, long n, float shift) {
    const __m512 s = _mm512_set1_ps(shift);
    long i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, ov_fexp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), s)));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(x + i, m, ov_fexp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), s)));
    }
}

/// up[i] = fsilu(gate[i]) · up[i] = (gate[i] / (1 + fexp(-gate[i]))) · up[i].
ENTRY void ov_silu_mul_avx512(const float *gate, float *up, long n) {
    const __m512 one = _mm512_set1_ps(1.0f);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 g = _mm512_loadu_ps(gate + i);
        __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, ov_fexp16(ov_negate(g))));
        _mm512_storeu_ps(up + i, _mm512_mul_ps(silu, _mm512_loadu_ps(up + i)));
    }
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        __m512 g = _mm512_maskz_loadu_ps(m, gate + i);
        __m512 silu = _mm512_div_ps(g, _mm512_add_ps(one, ov_fexp16(ov_negate(g))));
        _mm512_mask_storeu_ps(up + i, m, _mm512_mul_ps(silu, _mm512_maskz_loadu_ps(m, up + i)));
    }
}

/// out[j] = dot(q, keys + j·stride) · scale for j < count, the dot over n halves as the Swift
/// `dotF16`: sixteen lanes (element i in lane i mod 16, fused multiply-adds in order of i), then
/// lanes i and i + 8, i and i + 4, i and i + 2, 0 and 1.
ENTRY void ov_attention_scores_avx512(const float *q, const uint16_t *keys, long stride, long count, long n,
                                      float scale, float *out) {
    long whole = n / 16 * 16;
    __mmask16 tail = (__mmask16)((1u << (n - whole)) - 1);
    for (long j = 0; j < count; j++) {
        const uint16_t *k = keys + j * stride;
        __m512 acc = _mm512_setzero_ps();
        for (long i = 0; i < whole; i += 16)
            acc = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(k + i))), acc);
        if (tail) {
            __m512 kt = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(tail, k + whole));
            acc = _mm512_mask3_fmadd_ps(_mm512_maskz_loadu_ps(tail, q + whole), kt, acc, tail);
        }
        __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(acc), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc), 1)));
        __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
        __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
        out[j] = _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1))) * scale;
    }
}

/// out[i] = Σ_j weights[j] · values[j·stride + i] for i < n, j in order, one fused multiply-add
/// per term as the Swift `axpyF16` (out is overwritten).
ENTRY void ov_attention_mix_avx512(const float *weights, const uint16_t *values, long stride, long count, long n,
                                   float *out) {
    for (long i = 0; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1);
        __m512 acc = _mm512_setzero_ps();
        for (long j = 0; j < count; j++) {
            __m512 v = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, values + j * stride + i));
            acc = _mm512_fmadd_ps(_mm512_set1_ps(weights[j]), v, acc);
        }
        _mm512_mask_storeu_ps(out + i, m, acc);
    }
}

/// Whether `path` is one of the AVX-512 variants (the ones this file's functions may run on).
static int ov_is_avx512(int path) {
    return path == OV_PATH_AVX512_VNNI || path == OV_PATH_AVX512_BW || path == OV_PATH_VNNI_256;
}

int ov_quantize_q8(int path, int with_sum, const float *x, void *row, long count, long scales, long sums) {
    if (!ov_is_avx512(path) || count % 32 != 0) return -1;
    ov_quantize_avx512(with_sum, x, (uint8_t *)row, count, scales, sums);
    return 0;
}

int ov_exp_shifted(int path, float *x, long n, float shift) {
    if (!ov_is_avx512(path)) return -1;
    ov_exp_shifted_avx512(x, n, shift);
    return 0;
}

int ov_silu_mul(int path, const float *gate, float *up, long n) {
    if (!ov_is_avx512(path)) return -1;
    ov_silu_mul_avx512(gate, up, n);
    return 0;
}

int ov_attention_scores(int path, const float *q, const void *keys, long stride, long count, long n, float scale,
                        float *out) {
    if (!ov_is_avx512(path)) return -1;
    ov_attention_scores_avx512(q, (const uint16_t *)keys, stride, count, n, scale, out);
    return 0;
}

int ov_attention_mix(int path, const float *weights, const void *values, long stride, long count, long n, float *out) {
    if (!ov_is_avx512(path)) return -1;
    ov_attention_mix_avx512(weights, (const uint16_t *)values, stride, count, n, out);
    return 0;
}

#else

int ov_quantize_q8(int path, int with_sum, const float *x, void *row, long count, long scales, long sums) {
    (void)path; (void)with_sum; (void)x; (void)row; (void)count; (void)scales; (void)sums;
    return -1;
}
int ov_exp_shifted(int path, float *x, long n, float shift) { (void)path; (void)x; (void)n; (void)shift; return -1; }
int ov_silu_mul(int path, const float *gate, float *up, long n) { (void)path; (void)gate; (void)up; (void)n; return -1; }
int ov_attention_scores(int path, const float *q, const void *keys, long stride, long count, long n, float scale,
                        float *out) {
    (void)path; (void)q; (void)keys; (void)stride; (void)count; (void)n; (void)scale; (void)out;
    return -1;
}
int ov_attention_mix(int path, const float *weights, const void *values, long stride, long count, long n, float *out) {
    (void)path; (void)weights; (void)values; (void)stride; (void)count; (void)n; (void)out;
    return -1;
}

#endif
