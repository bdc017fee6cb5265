// Integer row dots for the 32-element block types with the widest exact x86 instructions
// (AVX-512 VNNI `vpdpbusd`, AVX-512BW, AVX-VNNI), chosen at run time.
//
// Swift cannot compile one function for AVX-512 and its neighbour for baseline x86-64, so these
// kernels live in C, where each variant carries `__attribute__((target(...)))` and the caller
// picks one after asking the CPU (`ov_cpu_paths`). The binary stays portable: a variant is only
// called when the CPU (and the OS, for the AVX-512 register state) supports it.
//
// Contract: the same bits as the Swift reference `dotReference` (Sources/Kernels/VecDot.swift).
// Each block's integer sum Σ q_w·q_a is exact however it is computed; the float part per group
// of eight blocks is the reference's `(d_w·d_a)·Float(sum) [+ m_w·s_a]`, accumulated lane-wise
// (block b in lane b mod 8) and combined in the fixed tree ((0+4)+(2+6)) + ((1+5)+(3+7)).
// This file is compiled with -ffp-contract=off, so no multiply and add are fused.
#ifndef OVERSEER_CKERNELS_H
#define OVERSEER_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Weight block formats (activations: Q8_0 for Q4_0/Q8_0/Q5_0, Q8_1 for Q4_1; each activation
/// row is followed by its block scales as floats, see `QuantizedRows`).
enum {
    OV_FORMAT_Q4_0 = 0,
    OV_FORMAT_Q4_1 = 1,
    OV_FORMAT_Q8_0 = 2,
    OV_FORMAT_Q5_0 = 3,
};

/// Kernel variants; `ov_cpu_paths` returns a bit (1 << variant) for each one this CPU runs.
enum {
    OV_PATH_AVX512_VNNI = 1,   ///< 512-bit, vpdpbusd (AVX-512 F/BW/VL/VNNI)
    OV_PATH_AVX512_BW = 2,     ///< 512-bit, vpmaddubsw + vpmaddwd (AVX-512 F/BW/VL)
    OV_PATH_AVX_VNNI = 3,      ///< 256-bit, VEX vpdpbusd (AVX2 + AVX-VNNI)
    OV_PATH_VNNI_256 = 4,      ///< the same 256-bit kernel with EVEX vpdpbusd (AVX-512 VL/VNNI)
};

/// Bit mask of the variants this CPU and OS support (0 on other architectures).
int ov_cpu_paths(void);

/// out[t * m + r] = dot(row r of w, activation row t) for r in r0..<r1, t in 0..<tokens.
/// `w` is the first weight row, `w_stride` bytes apart; `a` the first activation row,
/// `a_stride` bytes apart; `blocks` = row length / 32. Returns 0, or -1 when the variant or
/// format is unknown (nothing is written).
int ov_rows(int path, int format, const void *w, ptrdiff_t w_stride, long r0, long r1, long m, long blocks,
            const void *a, ptrdiff_t a_stride, long tokens, float *out);

/// Quantizes `count` floats (a multiple of 32) into one activation row at `row`: Q8_0 blocks
/// (with_sum = 0) or Q8_1 blocks (with_sum = 1), then, when `scales` / `sums` are not -1, each
/// block's d / s as floats at those byte offsets of the row (`QuantizedRows`' side arrays).
/// The same bytes as the Swift quantizers. Returns 0, or -1 when `path` is not an AVX-512
/// variant (nothing is written).
int ov_quantize_q8(int path, int with_sum, const float *x, void *row, long count, long scales, long sums);

/// x[i] = fexp(x[i] - shift) for i < n, the same bits as the Swift `fexp`; 0, or -1 (nothing
/// written) when `path` is not an AVX-512 variant.
int ov_exp_shifted(int path, float *x, long n, float shift);

/// up[i] = fsilu(gate[i]) * up[i] for i < n, the same bits as the Swift `fsilu`; 0, or -1.
int ov_silu_mul(int path, const float *gate, float *up, long n);

/// Attention over f16 keys and values (rows `stride` halves apart): out[j] = (q · key j) · scale
/// for j < count, and out[i] = Σ_j weights[j] · value j [i] for i < n — the same bits as the
/// Swift `attentionScores` / `attentionMix`. 0, or -1 (nothing written) when `path` is not an
/// AVX-512 variant.
int ov_attention_scores(int path, const float *q, const void *keys, long stride, long count, long n, float scale,
                        float *out);
int ov_attention_mix(int path, const float *weights, const void *values, long stride, long count, long n, float *out);

#ifdef __cplusplus
}
#endif

#endif
