#!/usr/bin/env python3
"""Writes the generated part of the fuzzing seed corpus (Fuzz/corpus/NAME/).

Seeds are tiny valid files of each format plus a few broken ones; libFuzzer mutates from them.
Deterministic: the same bytes on every run. Needs numpy and the `gguf` package (pip install gguf).
Seeds copied from the test fixtures (templates, tokenizer.json) are copied here too, so one
command rebuilds the whole corpus:  python3 Fuzz/make_seeds.py
"""
import hashlib
import json
import os
import shutil
import sqlite3
import struct
import sys

import numpy as np
import gguf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")
rng = np.random.default_rng(7)


def out(harness, name, data):
    folder = os.path.join(CORPUS, harness)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def broken_copies(harness, name, data):
    """A truncated copy and one with a byte flipped early in the header."""
    out(harness, name + ".truncated", data[: len(data) * 2 // 3])
    flipped = bytearray(data)
    flipped[min(10, len(flipped) - 1)] ^= 0xFF
    out(harness, name + ".flipped", bytes(flipped))


# --- GGUF -------------------------------------------------------------------------------------

def byte_level_tokens():
    """GPT-2's bytes-to-unicode table: the 256 byte tokens of a byte-level BPE vocabulary."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    mapping, n = {}, 0
    for b in range(256):
        if b in printable:
            mapping[b] = chr(b)
        else:
            mapping[b] = chr(256 + n)
            n += 1
    return [mapping[b] for b in range(256)]


MERGES = [("Ġ", "t"), ("h", "e"), ("Ġt", "he")]
CONTROL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
          "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


def tokenizer_metadata(w):
    tokens = byte_level_tokens() + [a + b for a, b in MERGES] + CONTROL
    types = [1] * (len(tokens) - len(CONTROL)) + [3] * len(CONTROL)
    w.add_string("tokenizer.ggml.model", "gpt2")
    w.add_string("tokenizer.ggml.pre", "smollm")
    w.add_array("tokenizer.ggml.tokens", tokens)
    w.add_array("tokenizer.ggml.token_type", types)
    w.add_array("tokenizer.ggml.merges", [f"{a} {b}" for a, b in MERGES])
    w.add_uint32("tokenizer.ggml.bos_token_id", len(tokens) - 2)
    w.add_uint32("tokenizer.ggml.eos_token_id", len(tokens) - 1)
    w.add_bool("tokenizer.ggml.add_bos_token", False)
    w.add_string("tokenizer.chat_template", CHATML)
    return len(tokens)


def write_gguf(name, build):
    path = os.path.join(CORPUS, "gguf", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    w = gguf.GGUFWriter(path, arch=build.arch)
    build(w)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    with open(path, "rb") as f:
        return f.read()


def llama(dtype, arch="llama", d=8, layers=1, heads=2, kv=1, ff=16):
    def build(w):
        a = arch
        w.add_string("general.name", "fuzz-seed")
        w.add_uint32(f"{a}.block_count", layers)
        w.add_uint32(f"{a}.context_length", 16)
        w.add_uint32(f"{a}.embedding_length", d)
        w.add_uint32(f"{a}.feed_forward_length", ff)
        w.add_uint32(f"{a}.attention.head_count", heads)
        w.add_uint32(f"{a}.attention.head_count_kv", kv)
        w.add_float32(f"{a}.attention.layer_norm_rms_epsilon", 1e-5)
        w.add_float32(f"{a}.rope.freq_base", 10000.0)
        if a == "gemma3":
            w.add_int32(f"{a}.attention.sliding_window", 4)
        vocab = tokenizer_metadata(w)
        hd = d // heads

        def t(name, *shape):  # numpy shape is [rows, cols]; GGUF stores it reversed
            w.add_tensor(name, (rng.standard_normal(shape) * 0.2).astype(dtype))

        t("token_embd.weight", vocab, d)
        for l in range(layers):
            p = f"blk.{l}."
            w.add_tensor(p + "attn_norm.weight", np.ones(d, dtype=np.float32))
            t(p + "attn_q.weight", heads * hd, d)
            t(p + "attn_k.weight", kv * hd, d)
            t(p + "attn_v.weight", kv * hd, d)
            if a == "qwen2":
                for n, rows in (("q", heads * hd), ("k", kv * hd), ("v", kv * hd)):
                    w.add_tensor(p + f"attn_{n}.bias", np.zeros(rows, dtype=np.float32))
            if a in ("qwen3", "gemma3"):
                w.add_tensor(p + "attn_q_norm.weight", np.ones(hd, dtype=np.float32))
                w.add_tensor(p + "attn_k_norm.weight", np.ones(hd, dtype=np.float32))
            t(p + "attn_output.weight", d, heads * hd)
            if a == "gemma3":
                w.add_tensor(p + "post_attention_norm.weight", np.ones(d, dtype=np.float32))
                w.add_tensor(p + "post_ffw_norm.weight", np.ones(d, dtype=np.float32))
            w.add_tensor(p + "ffn_norm.weight", np.ones(d, dtype=np.float32))
            t(p + "ffn_gate.weight", ff, d)
            t(p + "ffn_up.weight", ff, d)
            t(p + "ffn_down.weight", d, ff)
        w.add_tensor("output_norm.weight", np.ones(d, dtype=np.float32))
    build.arch = arch
    return build


def gpt2():
    def build(w):
        d, ff = 8, 16
        w.add_uint32("gpt2.block_count", 1)
        w.add_uint32("gpt2.context_length", 16)
        w.add_uint32("gpt2.embedding_length", d)
        w.add_uint32("gpt2.feed_forward_length", ff)
        w.add_uint32("gpt2.attention.head_count", 2)
        w.add_float32("gpt2.attention.layer_norm_epsilon", 1e-5)
        vocab = tokenizer_metadata(w)
        f = lambda *s: (rng.standard_normal(s) * 0.2).astype(np.float32)
        w.add_tensor("token_embd.weight", f(vocab, d))
        w.add_tensor("position_embd.weight", f(16, d))
        for n, size in (("attn_norm", d), ("ffn_norm", d)):
            w.add_tensor(f"blk.0.{n}.weight", np.ones(size, dtype=np.float32))
            w.add_tensor(f"blk.0.{n}.bias", np.zeros(size, dtype=np.float32))
        for n, rows, cols in (("attn_qkv", 3 * d, d), ("attn_output", d, d), ("ffn_up", ff, d), ("ffn_down", d, ff)):
            w.add_tensor(f"blk.0.{n}.weight", f(rows, cols))
            w.add_tensor(f"blk.0.{n}.bias", np.zeros(rows, dtype=np.float32))
        w.add_tensor("output_norm.weight", np.ones(d, dtype=np.float32))
        w.add_tensor("output_norm.bias", np.zeros(d, dtype=np.float32))
    build.arch = "gpt2"
    return build


def quantized_blocks():
    """One or two blocks of every quantized type the reader knows, with finite f16 scales."""
    def build(w):
        Q = gguf.GGMLQuantizationType
        for qt in (Q.Q4_0, Q.Q4_1, Q.Q5_0, Q.Q5_1, Q.Q8_0, Q.Q2_K, Q.Q3_K, Q.Q4_K, Q.Q5_K, Q.Q6_K, Q.BF16, Q.F16):
            block, size = gguf.GGML_QUANT_SIZES[qt]
            row = size * (8 if block == 1 else 1)  # two rows of one block (8 values for F16/BF16)
            raw = rng.integers(0, 256, (2, row), dtype=np.uint8)
            raw[:, 1::2] &= 0x3B  # keeps every f16 that lands on an odd byte small and finite
            w.add_tensor(f"t.{qt.name.lower()}", raw, raw_shape=(2, row), raw_dtype=qt)
    build.arch = "none"
    return build


def vocab_only():
    def build(w):
        tokenizer_metadata(w)
    build.arch = "llama"
    return build


def gguf_seeds():
    files = {
        "tiny-llama-f32.gguf": llama(np.float32),
        "tiny-llama-f16.gguf": llama(np.float16),
        "tiny-qwen3-f32.gguf": llama(np.float32, arch="qwen3"),
        "tiny-gemma3-f32.gguf": llama(np.float32, arch="gemma3"),
        "tiny-gpt2-f32.gguf": gpt2(),
        "quantized-blocks.gguf": quantized_blocks(),
        "vocab-only.gguf": vocab_only(),
    }
    for name, build in files.items():
        data = write_gguf(name, build)
        if name in ("tiny-llama-f32.gguf", "quantized-blocks.gguf"):
            broken_copies("gguf", name, data)


# --- safetensors ------------------------------------------------------------------------------

def safetensors(tensors, metadata=None):
    """tensors: name -> (dtype string, shape, raw bytes)."""
    header, offset, blob = {}, 0, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blob += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + blob


def f32(*shape):
    return ("F32", shape, (rng.standard_normal(shape) * 0.5).astype(np.float32).tobytes())


def safetensors_seeds():
    mixed = safetensors({
        "a.f32": f32(2, 3),
        "b.f16": ("F16", (4,), np.arange(4, dtype=np.float16).tobytes()),
        "c.bf16": ("BF16", (2, 2), (np.arange(4, dtype=np.float32).view(np.uint32) >> 16).astype(np.uint16).tobytes()),
        "d.scalar": f32(),
        "e.i64": ("I64", (2,), np.array([1, -1], dtype=np.int64).tobytes()),
    }, metadata={"format": "pt"})
    out("safetensors", "mixed.safetensors", mixed)
    out("safetensors", "empty.safetensors", safetensors({}))
    out("safetensors", "zero-size.safetensors", safetensors({"z": ("F32", (0, 4), b"")}))
    broken_copies("safetensors", "mixed.safetensors", mixed)


# --- supervisor bundles -----------------------------------------------------------------------

PLACEHOLDER = "WEIGHTS_SHA256"  # the harness puts the weights' real SHA-256 in its place


def bundle(name, detectors, tensors, rules):
    manifest = {
        "detectors": detectors, "format": "overseer-supervisor-bundle", "format_version": 1,
        "model": {"sha256": "0" * 64, "d_model": 8, "layers": 2}, "name": name, "rules": rules,
        "weights": {"file": "weights.safetensors", "sha256": PLACEHOLDER},
        "training": {"kind": "seed", "examples": [1, 2.5, None, True, "x"]},
    }
    m = json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"
    w = safetensors(tensors)
    return struct.pack("<I", len(m)) + m + w


def bundle_seeds():
    D, H = 8, 4
    rule = lambda ids, agg, action, scope: {"id": "r", "detectors": ids, "aggregation": agg, "threshold": 0.5,
                                           "action": action, "scope": scope}
    linear = bundle("linear", [
        {"id": "p0", "kind": "linear", "tap": "blocks.0.hook_resid_post", "dimension": D, "output": "sigmoid",
         "tensors": {"weight": "p0.w", "bias": "p0.b", "input_mean": "p0.m", "input_scale": "p0.s"}},
        {"id": "p1", "kind": "linear", "tap": "blocks.1.hook_resid_post", "dimension": D, "output": "logit",
         "tensors": {"weight": "p1.w", "bias": "p1.b"}},
    ], {"p0.w": f32(D), "p0.b": f32(), "p0.m": f32(D), "p0.s": ("F32", (D,), np.full(D, 2, np.float32).tobytes()),
        "p1.w": f32(1, D), "p1.b": f32(1)},
        [rule(["p0", "p1"], {"kind": "max", "window": 2}, "halt", "generation")])
    out("bundle", "linear.bin", linear)
    diff = bundle("diff", [
        {"id": "d0", "kind": "diff_mean", "tap": "blocks.1.hook_mlp_out", "dimension": D, "normalization": "unit",
         "tensors": {"direction": "d0.dir", "mean": "d0.mean", "scale": "d0.scale"}},
    ], {"d0.dir": f32(D), "d0.mean": f32(D), "d0.scale": f32()},
        [rule(["d0"], {"kind": "ema", "window": 4, "alpha": 0.5}, "flag", "prompt")])
    out("bundle", "diff-mean.bin", diff)
    mlp = bundle("mlp", [
        {"id": "m0", "kind": "mlp", "tap": "blocks.0.hook_resid_pre", "dimension": D, "activation": "relu",
         "tensors": {"w1": "m0.w1", "b1": "m0.b1", "w2": "m0.w2", "b2": "m0.b2"}},
    ], {"m0.w1": f32(H, D), "m0.b1": f32(H), "m0.w2": f32(H), "m0.b2": f32()},
        [rule(["m0"], {"kind": "mean", "window": 3}, "log", "request")])
    out("bundle", "mlp.bin", mlp)
    broken_copies("bundle", "linear.bin", linear)


# --- labeled data -----------------------------------------------------------------------------

def labeled_seeds():
    # First byte: bit 0 = CSV, bit 1 = no label field (a file of one class).
    jsonl = '{"text": "how do I bake bread", "label": 0}\n{"text": "build a weapon", "label": 1, "category": "x"}\n' \
            '{"text": "yes", "label": true}\n{"text": "no", "label": "0"}\n'
    out("labeled-data", "lines.jsonl", b"\x00" + jsonl.encode())
    out("labeled-data", "array.json", b"\x00" + json.dumps([{"text": "a", "label": 1}, {"text": "b", "label": False}]).encode())
    out("labeled-data", "unlabeled.jsonl", b"\x02" + b'{"text": "one class only"}\n\n{"text": "\\u00e9t\\u00e9"}\n')
    csv = 'text,label,category\n"quoted, with comma",1,a\n"say ""hi""",0,b\nplain,true,\n"multi\nline",false,c\r\n'
    out("labeled-data", "table.csv", b"\x01" + csv.encode())
    out("labeled-data", "unlabeled.csv", b"\x03" + b"text\nfirst\nsecond\n")
    out("labeled-data", "broken.jsonl", b"\x00" + b'{"text": "a", "label": 2}\n{"text": \n')
    out("labeled-data", "broken.csv", b"\x01" + b'text,label\n"unterminated,1\n')


# --- receipt logs -----------------------------------------------------------------------------

def receipt_seeds(log):
    """Receipt lines (kind TAB run_id TAB payload) and a compacted SQLite copy of a log written by
    the project's own tests (`--receipts-log PATH`), when one is given."""
    if log is None:
        return
    src = sqlite3.connect(f"file:{log}?mode=ro", uri=True)
    rows = src.execute("SELECT seq, run_id, kind, body FROM receipts ORDER BY seq").fetchall()
    lines, per_run = [], {}
    for seq, run, kind, body in rows:
        payload = json.dumps(json.loads(body)["payload"], separators=(",", ":"), sort_keys=True)
        lines.append(f"{kind}\t{run}\t{payload}")
        per_run.setdefault(run, []).append(lines[-1])
    out("receipts", "log.lines", "\n".join(lines) + "\n")
    for i, run_lines in enumerate(per_run.values()):
        out("receipts", f"run{i}.lines", "\n".join(run_lines) + "\n")
        # The same run without its write-ahead start receipt (logs written before there was one).
        out("receipts", f"run{i}-nostart.lines", "\n".join(l for l in run_lines if not l.startswith("start\t")) + "\n")
    dst_path = os.path.join(CORPUS, "receipts", "log.sqlite")
    if os.path.exists(dst_path):
        os.remove(dst_path)
    dst = sqlite3.connect(dst_path)
    src.backup(dst)
    dst.execute("PRAGMA journal_mode=DELETE")
    dst.execute("VACUUM")
    dst.close()
    with open(dst_path, "rb") as f:
        data = f.read()
    out("receipts", "log.sqlite.truncated", data[: len(data) // 2])
    small_database("unrelated.sqlite", "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)",
                   "INSERT INTO notes (text) VALUES (NULL)")
    small_database("nulls.sqlite", "CREATE TABLE receipts (seq INTEGER PRIMARY KEY, run_id TEXT, kind TEXT, body TEXT, "
                   "prev_hash TEXT, hash TEXT UNIQUE, signature TEXT)",
                   "INSERT INTO receipts VALUES (1, NULL, 'summary', NULL, 'x', 'y', NULL)")


def small_database(name, *statements):
    """A compact SQLite seed made of `statements`."""
    path = os.path.join(CORPUS, "receipts", name)
    if os.path.exists(path):
        os.remove(path)
    c = sqlite3.connect(path)
    for sql in statements:
        c.execute(sql)
    c.commit()
    c.execute("VACUUM")
    c.close()


# --- copies of test fixtures ------------------------------------------------------------------

def fixture_copies():
    templates = os.path.join(ROOT, "Tests", "TemplatesTests", "Fixtures", "templates")
    for name in sorted(os.listdir(templates)):
        if name.endswith(".jinja"):
            shutil.copy(os.path.join(templates, name), os.path.join(CORPUS, "template", name))
    out("template", "chatml.jinja", CHATML)
    out("template", "features.jinja",
        "{% macro m(x, y=2) %}{{ x ~ y }}{% endmacro %}{% set ns = namespace(n=0) %}"
        "{% for i in range(3) if i != 1 %}{% set ns.n = ns.n + i %}{{ m(i) }}{{ loop.index }}{% endfor %}"
        "{{ ns.n }}{{ messages | map(attribute='role') | join(',') | upper }}{{ tools | tojson(indent=2) }}"
        "{{ 'a,b' .split(',') | length }}{{ {'k': 1}.items() | list }}{{ '%d' % 3 if true else none }}"
        "{% if messages[0].content is string and not (1 in [2]) %}{{ messages[-1]['content'][1:4] | replace('i', 'I') }}{% endif %}"
        "{{ raise_exception('x') if false }}{{ strftime_now('%Y') }}")
    out("template", "unclosed.jinja", "{% for m in messages %}{{ m.content ")
    tok = os.path.join(ROOT, "Tests", "TokenizersTests", "Fixtures")
    for name in ("tiny-tokenizer-pair-merges.json", "tiny-tokenizer-string-merges.json"):
        shutil.copy(os.path.join(tok, name), os.path.join(CORPUS, "tokenizer-json", name))
    with open(os.path.join(tok, "tiny-tokenizer-pair-merges.json"), "rb") as f:
        broken_copies("tokenizer-json", "tiny-tokenizer-pair-merges.json", f.read())
    pipeline_tokenizer_seeds()


def pipeline_tokenizer_seeds():
    """Tiny tokenizer.json files of the other kinds: SentencePiece-style BPE (Llama 2 and Gemma
    shapes), Unigram with Metaspace, WordPiece with BERT's normalizer."""
    pieces = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)] + ["▁", "h", "e", "▁h", "▁he", "l", "o"]
    added = [{"id": i, "content": t, "special": True, "normalized": False} for i, t in enumerate(pieces[:3])]
    decoders = [{"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}]
    bpe = {"type": "BPE", "unk_token": "<unk>", "byte_fallback": True, "fuse_unk": True,
           "vocab": {t: i for i, t in enumerate(pieces)}, "merges": [["▁", "h"], ["▁h", "e"]]}
    llama = {"added_tokens": added + [{"id": len(pieces), "content": "<|tool|>", "special": False, "normalized": True}],
             "normalizer": {"type": "Sequence", "normalizers": [
                 {"type": "Prepend", "prepend": "▁"}, {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
             "pre_tokenizer": None,
             "decoder": {"type": "Sequence", "decoders": decoders + [{"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
             "model": bpe}
    gemma = dict(llama, normalizer={"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
                 pre_tokenizer={"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious", "invert": False},
                 decoder={"type": "Sequence", "decoders": decoders})
    metaspace = {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": True}
    unigram = {"added_tokens": added, "normalizer": {"type": "NFKC"}, "pre_tokenizer": metaspace, "decoder": metaspace,
               "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": True,
                         "vocab": [[t, -float(i % 7)] for i, t in enumerate(pieces)]}}
    bert = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "##s", "##ing", "play", ",", "!"]
    wordpiece = {"added_tokens": [{"id": i, "content": t, "special": True} for i, t in enumerate(bert[:4])],
                 "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                                "strip_accents": None, "lowercase": True},
                 "pre_tokenizer": {"type": "BertPreTokenizer"},
                 "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(bert)}}}
    for name, tj in [("spm-llama.json", llama), ("spm-gemma.json", gemma), ("unigram.json", unigram),
                     ("wordpiece.json", wordpiece)]:
        out("tokenizer-json", name, json.dumps(tj, ensure_ascii=False))


if __name__ == "__main__":
    log = sys.argv[sys.argv.index("--receipts-log") + 1] if "--receipts-log" in sys.argv else None
    for h in ("gguf", "safetensors", "tokenizer-json", "template", "bundle", "labeled-data", "receipts"):
        os.makedirs(os.path.join(CORPUS, h), exist_ok=True)
    gguf_seeds()
    safetensors_seeds()
    bundle_seeds()
    labeled_seeds()
    receipt_seeds(log)
    fixture_copies()
