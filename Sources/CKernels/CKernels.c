// Run-time dispatch of the row kernels (see include/CKernels.h for the contract and
// RowsBody.h for the kernels). Each variant is the same source compiled for other target
// features; `ov_cpu_paths` reads cpuid and the OS's enabled register state (xgetbv).

#include "CKernels.h"

/// Attributes of every kernel function of the variant being compiled.
#define KFN static inline __attribute__((always_inline, target(OV_TARGET)))

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

static uint64_t ov_xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
}

int ov_cpu_paths(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1, f16c = (c >> 29) & 1;
    if (!osxsave || !avx || !fma || !f16c) return 0;
    uint64_t xcr0 = ov_xgetbv0();
    int ymmState = (xcr0 & 0x6) == 0x6, zmmState = (xcr0 & 0xE6) == 0xE6;
    if (!ymmState || __get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, a, b, c, d);
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1, avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
    int avx512vnni = (c >> 11) & 1;
    __cpuid_count(7, 1, a, b, c, d);
    int avxvnni = (a >> 4) & 1;
    int paths = 0;
    if (!avx2) return 0;
    int avx512 = zmmState && avx512f && avx512bw && avx512vl;
    if (avx512 && avx512vnni) paths |= 1 << OV_PATH_AVX512_VNNI | 1 << OV_PATH_VNNI_256;
    if (avx512) paths |= 1 << OV_PATH_AVX512_BW;
    if (avxvnni) paths |= 1 << OV_PATH_AVX_VNNI;
    return paths;
}

// AVX-512 with VNNI: vpdpbusd on zmm.
#define SUFFIX _avx512vnni
#define OV_TARGET "avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni"

#define OV_WIDTH 512
#define DPBUSD(acc, u, s) _mm512_dpbusd_epi32(acc, u, s)
#include "RowsBody.h"
#undef SUFFIX
#undef OV_TARGET
#undef OV_WIDTH
#undef DPBUSD

// AVX-512BW without VNNI: u8·s8 pairs in Int16 (every pair sum here is below 2^15), then
// pairs of those in Int32.
#define SUFFIX _avx512bw
#define OV_TARGET "avx2,fma,f16c,avx512f,avx512bw,avx512vl"
#define OV_WIDTH 512
#define DPBUSD(acc, u, s) _mm512_add_epi32(acc, _mm512_madd_epi16(_mm512_maddubs_epi16(u, s), _mm512_set1_epi16(1)))
#include "RowsBody.h"
#undef SUFFIX
#undef OV_TARGET
#undef OV_WIDTH
#undef DPBUSD

// AVX-VNNI (VEX-encoded vpdpbusd on ymm, e.g. Alder Lake, Zen 5 without AVX-512 state).
#define SUFFIX _avxvnni
#define OV_TARGET "avx2,fma,f16c,avxvnni"
#define OV_WIDTH 256
#define DPBUSD(acc, u, s) _mm256_dpbusd_avx_epi32(acc, u, s)
#include "RowsBody.h"
#undef SUFFIX
#undef OV_TARGET
#undef OV_WIDTH
#undef DPBUSD

// The same 256-bit kernel with the EVEX encoding (AVX-512 VL + VNNI): lets an AVX-512 machine
// run and test the 256-bit source.
#define SUFFIX _vnni256
#define OV_TARGET "avx2,fma,f16c,avx512f,avx512vl,avx512vnni"
#define OV_WIDTH 256
#define DPBUSD(acc, u, s) _mm256_dpbusd_epi32(acc, u, s)
#include "RowsBody.h"
#undef SUFFIX
#undef OV_TARGET
#undef OV_WIDTH
#undef DPBUSD

int ov_rows(int path, int format, const void *w, ptrdiff_t w_stride, long r0, long r1, long m, long blocks,
            const void *a, ptrdiff_t a_stride, long tokens, float *out) {
    const uint8_t *wp = (const uint8_t *)w, *ap = (const uint8_t *)a;
    switch (path) {
    case OV_PATH_AVX512_VNNI: return ov_rows_avx512vnni(format, wp, w_stride, r0, r1, m, blocks, ap, a_stride, tokens, out);
    case OV_PATH_AVX512_BW: return ov_rows_avx512bw(format, wp, w_stride, r0, r1, m, blocks, ap, a_stride, tokens, out);
    case OV_PATH_AVX_VNNI: return ov_rows_avxvnni(format, wp, w_stride, r0, r1, m, blocks, ap, a_stride, tokens, out);
    case OV_PATH_VNNI_256: return ov_rows_vnni256(format, wp, w_stride, r0, r1, m, blocks, ap, a_stride, tokens, out);
    default: return -1;
    }
}

#else

int ov_cpu_paths(void) { return 0; }

int ov_rows(int path, int format, const void *w, ptrdiff_t w_stride, long r0, long r1, long m, long blocks,
            const void *a, ptrdiff_t a_stride, long tokens, float *out) {
    (void)path; (void)format; (void)w; (void)w_stride; (void)r0; (void)r1; (void)m; (void)blocks;
    (void)a; (void)a_stride; (void)tokens; (void)out;
    return -1;
}

#endif
