#!/usr/bin/env python3
"""Writes golden dequantization fixtures for Tests/KernelsTests/DequantizeTests.swift.

The reference is the `gguf` Python package (an implementation independent of ours):
  * plain and legacy block types are produced by `gguf.quants.quantize` from fixed
    pseudo-random floats, so the blocks look like real weights;
  * K-quant types have no quantizer in the package, so their blocks are random bytes with
    the f16 super-block scales (d, dmin) overwritten by small finite values.
The expected floats always come from `gguf.quants.dequantize`.

Fixture file layout (all little-endian), one file per type, `<TYPE>.bin`:
  u32 ggml type id | u32 element count n | raw blocks (n / blockSize * bytesPerBlock) | n x f32
plus `weights.f32`: the n source floats that the legacy types were quantized from.

Run from anywhere:  python3 Tests/KernelsTests/Fixtures/make_quant_fixtures.py
"""
import os
import struct

import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import GGML_QUANT_SIZES
from gguf.quants import dequantize, quantize

HERE = os.path.dirname(os.path.abspath(__file__))
COUNT = 512  # two K-quant super-blocks, sixteen legacy blocks


def weights(rng: np.random.Generator) -> np.ndarray:
    x = rng.standard_normal(COUNT).astype(np.float32) * np.float32(0.05)
    x[32:64] = 0.0                      # an all-zero block (scale 0)
    x[64:96] += np.float32(1.0)         # an all-positive block (nonzero min)
    x[96:128] = -np.abs(x[96:128])      # an all-negative block
    x[128] = np.float32(3.0)            # an outlier
    return x


def special_floats() -> np.ndarray:
    x = weights(np.random.default_rng(7))
    x[:12] = [0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, 6.1e-5, 5.96e-8, -1e-7,
              np.inf, -np.inf, 1e-40]
    return x


def random_k_blocks(qtype: T, rng: np.random.Generator) -> np.ndarray:
    block, size = GGML_QUANT_SIZES[qtype]
    raw = rng.integers(0, 256, size=(COUNT // block, size), dtype=np.uint8)
    # Byte offsets of the f16 scales inside each block (facts from the format spec).
    scale_offsets = {
        T.Q2_K: [80, 82],     # scales[16] qs[64] d dmin
        T.Q3_K: [108],        # hmask[32] qs[64] scales[12] d
        T.Q4_K: [0, 2],       # d dmin scales[12] qs[128]
        T.Q5_K: [0, 2],       # d dmin scales[12] qh[32] qs[128]
        T.Q6_K: [208],        # ql[128] qh[64] scales[16] d
    }[qtype]
    for b in range(raw.shape[0]):
        for off in scale_offsets:
            v = np.float16(rng.uniform(-0.02, 0.02))
            raw[b, off:off + 2] = np.frombuffer(v.tobytes(), dtype=np.uint8)
    return raw.reshape(-1)


def write(qtype: T, raw: np.ndarray, expected: np.ndarray) -> None:
    block, size = GGML_QUANT_SIZES[qtype]
    assert raw.nbytes == COUNT // block * size, qtype
    assert expected.dtype == np.float32 and expected.size == COUNT, qtype
    path = os.path.join(HERE, f"{qtype.name}.bin")
    with open(path, "wb") as f:
        f.write(struct.pack("<II", int(qtype), COUNT))
        f.write(raw.astype(np.uint8).tobytes())
        f.write(expected.astype("<f4").tobytes())
    print(f"{path}: {os.path.getsize(path)} bytes")


def main() -> None:
    rng = np.random.default_rng(20240601)
    data = weights(rng)
    # The unquantized source of the legacy-type fixtures, so test-support quantizers can be
    # checked against the package's quantizer: COUNT x f32, little-endian.
    with open(os.path.join(HERE, "weights.f32"), "wb") as f:
        f.write(data.astype("<f4").tobytes())
    for qtype in [T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0, T.BF16]:
        raw = quantize(data, qtype).view(np.uint8).reshape(-1)
        write(qtype, raw, dequantize(raw, qtype).reshape(-1))
    specials = special_floats()
    for qtype in [T.F32, T.F16]:
        raw = quantize(specials, qtype).view(np.uint8).reshape(-1)
        write(qtype, raw, dequantize(raw, qtype).reshape(-1).astype(np.float32))
    for qtype in [T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K]:
        raw = random_k_blocks(qtype, rng)
        write(qtype, raw, dequantize(raw, qtype).reshape(-1))


if __name__ == "__main__":
    main()
