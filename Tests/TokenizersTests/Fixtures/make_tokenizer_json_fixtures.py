#!/usr/bin/env python3
"""Writes the tokenizer.json fixtures beyond byte-level BPE, with reference ids and decodes from
Hugging Face `tokenizers`.

    python3 make_tokenizer_json_fixtures.py [LLAMA_CPP_MODELS_DIR] [--full OUT_DIR]

LLAMA_CPP_MODELS_DIR is llama.cpp's models/ folder (ggml-vocab-llama-spm.gguf, ggml-vocab-bert-bge.gguf
and their .inp test inputs). Needs: pip install gguf tokenizers

Writes
  spm-bpe-tokenizer.json   a SentencePiece-style BPE tokenizer.json as Hugging Face converts Llama 2:
                           Llama's vocabulary cut to its first 4000 pieces plus every single-character
                           piece (renumbered), merges derived from the piece scores the way Hugging
                           Face's SentencePiece converter does, byte_fallback, Prepend/Replace
                           normalizer, Replace/ByteFallback/Fuse/Strip decoder
  spm-bpe-expected.json    variants of that file (keys replaced: normalizer, pre_tokenizer, decoder,
                           added_tokens, model options) as written by Llama 2 (legacy), Mistral and
                           newer Llama conversions (Metaspace), Gemma (Replace + Split), and without
                           byte fallback; per variant the ids and decodes of the test strings
  unigram-tokenizer.json   a Unigram tokenizer.json over the same pieces (their scores as log
                           probabilities), Metaspace pre-tokenizer and decoder
  unigram-expected.json    variants (byte_fallback on and off, prepend schemes) and their ids/decodes
  wordpiece-tokenizer.json a BERT WordPiece tokenizer.json: BERT's (bge) vocabulary cut to its first
                           6000 entries plus every "##x" single-character continuation, BertNormalizer,
                           BertPreTokenizer, WordPiece decoder
  wordpiece-expected.json  variants (lowercase on/off) and their ids/decodes

With --full, it writes instead, into OUT_DIR (not committed: tens of megabytes), the same checks
over whole vocabularies: llama-full-* (all 32,000 Llama pieces, Llama 2's legacy file) and
gemma-full-* (Gemma 4's 262,144 pieces and 514,906 merges from its vocab-only GGUF, in the shape of
Gemma's tokenizer.json). TokenizerJSONPipelineTests checks them when OVERSEER_TOKENIZER_JSON_FULL
names OUT_DIR.

Each case: "text"; "plain" ids with special-token text taken as text (encode_special_tokens); for
texts holding "<" or "[" also "special" ids (special tokens recognised); "decoded" = decode(plain ids,
skip_special_tokens=True); "decoded_special" = decode(special ids, skip_special_tokens=False).
No BOS/EOS is added (add_special_tokens=False). String-form merges are checked here to give the same
ids as pair-form ones; the Swift test converts the merges itself.
"""
import copy, json, os, sys

import gguf
from tokenizers import Tokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gguf_fields import field  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = sys.argv[1:]
FULL = None
if "--full" in ARGS:
    k = ARGS.index("--full")
    FULL = ARGS[k + 1]
    del ARGS[k:k + 2]
MODELS = ARGS[0] if ARGS else "/root/.cache/overseer-bench/llama-cpp-python-0.3.36/src/vendor/llama.cpp/models"


def dump(name, obj):
    path = os.path.join(FULL or HERE, name)
    with open(path, "w", encoding="utf-8") as out:
        json.dump(obj, out, ensure_ascii=False, separators=(",", ":"))
        out.write("\n")
    print(f"{name}: {os.path.getsize(path)} bytes")
    return path


def inp_texts(name):
    path = os.path.join(MODELS, f"ggml-vocab-{name}.gguf.inp")
    raw = open(path, encoding="utf-8").read()
    parts = raw.split("\n__ggml_vocab_test__\n")
    if parts and parts[-1] == "":
        parts.pop()
    return parts


TARGETED = [
    "", " ", "  ", "   leading and trailing   ", "a  b   c    d", "Hello world", " Hello", "Hello ",
    "tab\there", "line1\nline2\n", "\n\n\n", "\r\nwindows\r\n", "    indented code",
    "café naïve résumé", "cafe\u0301 combining", "Zoë Ångström über straße", "ＦＵＬＬＷＩＤＴＨ ﬁ ligature ½",
    "日本語のテキスト", "中文字符测试", "한국어 텍스트", "Привет, мир!", "مرحبا بالعالم", "नमस्ते दुनिया",
    "emoji 😀 🎉 👍🏽 🇺🇸 👨‍👩‍👧", "😀😀😀", "a😀b", "\U0001F9EC\U0001FAE0 new emoji", "ancient 𐌰𐌱 𓀀",
    "private \ue000\uf8ff use", "zero\u200bwidth\u200d", "\u00a0nbsp\u00a0", "\u3000ideographic",
    "▁already▁escaped▁", "<0x41> looks like a byte", "<s>hello</s>", "<unk> and <s> in text",
    "<start_of_turn>user\nHi<end_of_turn>\n", "a<|tool|>b <|tool|> c", "x \u3000<|tool|>\t\n y <s>  z  </s> w", "[CLS] hello [SEP] [MASK]",
    "don't I'M we'Ve", "x²+y²=z² 1,234.56 $100", "snake_case camelCase kebab-case", "!!!???...",
    "<html><body class=\"x\">hi</body></html>", "def f(x):\n    return x * 2  # double\n",
    "a" * 120, "Supercalifragilisticexpialidocious" * 4,
    # Canonically equivalent but distinct pieces of Llama's vocabulary (tonos and oxia).
    "\u03ac\u1f71 \u03af\u1f77 \u03cc\u1f79 \u1f71\u03ac",
]


def texts(*inp_names):
    seen, out = set(), []
    for t in [t for n in inp_names for t in inp_texts(n)] + TARGETED:
        if "\0" not in t and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def cases(tok, strings):
    out = []
    for s in strings:
        tok.encode_special_tokens = True
        plain = tok.encode(s, add_special_tokens=False).ids
        case = {"text": s, "plain": plain, "decoded": tok.decode(plain, skip_special_tokens=True)}
        if "<" in s or "[" in s:
            tok.encode_special_tokens = False
            special = tok.encode(s, add_special_tokens=False).ids
            case["special"] = special
            case["decoded_special"] = tok.decode(special, skip_special_tokens=False)
        out.append(case)
    return out


def variant(base, overrides):
    tj = copy.deepcopy(base)
    for key, value in overrides.items():
        if key.startswith("model."):
            tj["model"][key[len("model."):]] = value
        else:
            tj[key] = value
    return tj


def run_variants(base, variants, strings):
    result = {"variants": []}
    for name, overrides in variants:
        tok = Tokenizer.from_str(json.dumps(variant(base, overrides)))
        result["variants"].append({"name": name, "overrides": overrides, "cases": cases(tok, strings)})
        print(f"  {name}: {len(strings)} cases")
    return result


# ---- SentencePiece-style BPE from Llama's vocabulary ---------------------------------------------
r = gguf.GGUFReader(os.path.join(MODELS, "ggml-vocab-llama-spm.gguf"))
tokens = field(r, "tokenizer.ggml.tokens")
scores = field(r, "tokenizer.ggml.scores")
types = field(r, "tokenizer.ggml.token_type")
keep = [i for i in range(len(tokens)) if FULL or i < 4000 or (len(tokens[i]) == 1 and types[i] == 1)]
pieces = [tokens[i] for i in keep]
piece_scores = [scores[i] for i in keep]
vocab = {p: i for i, p in enumerate(pieces)}

# Hugging Face's SentencePiece converter: every split of a piece into two pieces of the vocabulary
# is a merge; merges ordered by the merged piece's score, highest first (stable, so a piece's own
# splits stay ordered by the ids of their parts). Control and byte pieces take part like the rest.
merges = []
for piece, score in zip(pieces, piece_scores):
    local = [(piece[:k], piece[k:], score) for k in range(1, len(piece))
             if piece[:k] in vocab and piece[k:] in vocab]
    local.sort(key=lambda m: (vocab[m[0]], vocab[m[1]]))
    merges.extend(local)
merges.sort(key=lambda m: m[2], reverse=True)
merges = [[a, b] for a, b, _ in merges]


def added(id, content, special=True):
    return {"id": id, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": special}


n = len(pieces)
REPLACE_SPACE = {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}
SPM_DECODER = {"type": "Sequence", "decoders": [
    {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
    {"type": "ByteFallback"}, {"type": "Fuse"},
    {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}
spm_base = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [added(0, "<unk>"), added(1, "<s>"), added(2, "</s>"), added(n, "<|tool|>", special=False)],
    "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, REPLACE_SPACE]},
    "pre_tokenizer": None,
    "post_processor": {"type": "TemplateProcessing",
                       "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                       "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                       "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
    "decoder": SPM_DECODER,
    "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
              "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
              "vocab": vocab, "merges": merges},
}
if FULL:
    strings = texts("llama-spm", "gemma-4")
    dump("llama-full-tokenizer.json", spm_base)
    dump("llama-full-expected.json", run_variants(spm_base, [("llama-legacy", {})], strings))
    r = gguf.GGUFReader(os.path.join(MODELS, "ggml-vocab-gemma-4.gguf"))
    g_tokens = field(r, "tokenizer.ggml.tokens")
    g_types = field(r, "tokenizer.ggml.token_type")
    g_merges = [m.split(" ") for m in field(r, "tokenizer.ggml.merges")]
    gemma_full = {
        "version": "1.0", "truncation": None, "padding": None,
        # Control tokens are special; user-defined ones (tool-call markers) are not, and are
        # matched in raw text.
        "added_tokens": [added(i, t, special=ty == 3) for i, (t, ty) in enumerate(zip(g_tokens, g_types)) if ty in (3, 4)],
        "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
        "pre_tokenizer": {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious", "invert": False},
        "post_processor": None,
        "decoder": {"type": "Sequence", "decoders": SPM_DECODER["decoders"][:3]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": {t: i for i, t in enumerate(g_tokens)}, "merges": g_merges},
    }
    dump("gemma-full-tokenizer.json", gemma_full)
    dump("gemma-full-expected.json", run_variants(gemma_full, [("gemma", {})], strings))
    sys.exit(0)
dump("spm-bpe-tokenizer.json", spm_base)

# String-form merges ("a b") must give the same ids as pair-form ones.
strings = texts("llama-spm")
pair_tok = Tokenizer.from_str(json.dumps(spm_base))
string_tok = Tokenizer.from_str(json.dumps(variant(spm_base, {"model.merges": [" ".join(m) for m in merges]})))
assert all(pair_tok.encode(s).ids == string_tok.encode(s).ids for s in strings)


def metaspace(scheme, split):
    return {"type": "Metaspace", "replacement": "▁", "prepend_scheme": scheme, "split": split}


SPM_VARIANTS = [
    # Llama 2, TinyLlama, Mistral v0.1 (legacy conversion).
    ("llama-legacy", {}),
    # Newer Llama/Mistral conversions: no normalizer, Metaspace pre-tokenizer.
    ("metaspace-first", {"normalizer": None, "pre_tokenizer": metaspace("first", False)}),
    ("metaspace-always-split", {"normalizer": None, "pre_tokenizer": metaspace("always", True),
                                "decoder": metaspace("always", True)}),
    ("metaspace-never-split", {"normalizer": None, "pre_tokenizer": metaspace("never", True),
                               "decoder": {"type": "Sequence", "decoders": SPM_DECODER["decoders"][:3]}}),
    # Gemma: spaces replaced, no prefix, a (no-op) Split on " ", no Strip; its turn markers are
    # special added tokens past the model vocabulary.
    ("gemma", {"normalizer": REPLACE_SPACE,
               "pre_tokenizer": {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious",
                                 "invert": False},
               "decoder": {"type": "Sequence", "decoders": SPM_DECODER["decoders"][:3]},
               "added_tokens": spm_base["added_tokens"] + [added(n + 1, "<start_of_turn>"),
                                                            added(n + 2, "<end_of_turn>")]}),
    # Non-special added tokens with normalized: true are found in normalised text, by their own
    # normalised text ("▁▁" for a run of two spaces in Gemma; "▁<|tool|>" after Llama's Prepend).
    ("gemma-normalized-added", {
        "normalizer": REPLACE_SPACE, "pre_tokenizer": None,
        "decoder": {"type": "Sequence", "decoders": SPM_DECODER["decoders"][:3]},
        "added_tokens": spm_base["added_tokens"][:3] + [dict(added(n, "<|tool|>", special=False), normalized=True),
                                                         dict(added(vocab["▁▁"], "▁▁", special=False), normalized=True)]}),
    ("llama-normalized-added", {
        "added_tokens": spm_base["added_tokens"][:3] + [dict(added(n, "<|tool|>", special=False), normalized=True)]}),
    # Added tokens that absorb the whitespace beside them (lstrip/rstrip), one of them special.
    ("stripping-added-tokens", {
        "added_tokens": [added(0, "<unk>"), dict(added(1, "<s>"), rstrip=True), dict(added(2, "</s>"), lstrip=True),
                         dict(added(n, "<|tool|>", special=False), lstrip=True, rstrip=True)]}),
    ("nfkc", {"normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}] +
                             spm_base["normalizer"]["normalizers"]}}),
    ("nfd", {"normalizer": {"type": "Sequence", "normalizers": [{"type": "NFD"}] +
                            spm_base["normalizer"]["normalizers"]}}),
    # Split behaviours, and Metaspace "first" after a split (only the first word begins the input).
    ("split-removed", {"normalizer": None, "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"String": " "}, "behavior": "Removed", "invert": False}, metaspace("always", False)]}}),
    ("split-isolated-metaspace-first", {"normalizer": None, "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"String": " "}, "behavior": "Isolated", "invert": False}, metaspace("first", False)]}}),
    ("split-contiguous", {"normalizer": REPLACE_SPACE, "pre_tokenizer": {
        "type": "Split", "pattern": {"String": "▁"}, "behavior": "Contiguous", "invert": False}}),
    ("split-merged-with-next", {"normalizer": REPLACE_SPACE, "pre_tokenizer": {
        "type": "Split", "pattern": {"String": "▁"}, "behavior": "MergedWithNext", "invert": False}}),
    ("ignore-merges", {"model.ignore_merges": True, "pre_tokenizer": metaspace("first", True), "normalizer": None}),
    ("no-byte-fallback", {"model.byte_fallback": False}),
    ("no-byte-fallback-unfused", {"model.byte_fallback": False, "model.fuse_unk": False}),
]
dump("spm-bpe-expected.json", run_variants(spm_base, SPM_VARIANTS, strings))

# ---- Unigram over the same pieces ------------------------------------------------------------------
unigram_base = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [added(0, "<unk>"), added(1, "<s>"), added(2, "</s>")],
    "normalizer": None,
    "pre_tokenizer": metaspace("always", True),
    "post_processor": None,
    "decoder": metaspace("always", True),
    "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": True,
              # Llama's scores are ranks (0, -1, -2, ...); as log probabilities they still order
              # the pieces. Control and byte pieces keep 0, as converted files write them.
              "vocab": [[p, float(s) if s > -1e8 else -1e4] for p, s in zip(pieces, piece_scores)]},
}
dump("unigram-tokenizer.json", unigram_base)
UNIGRAM_VARIANTS = [
    ("metaspace-always", {}),
    ("no-byte-fallback", {"model.byte_fallback": False}),
    ("legacy-normalizer", {"normalizer": spm_base["normalizer"], "pre_tokenizer": None, "decoder": SPM_DECODER}),
    ("metaspace-first", {"pre_tokenizer": metaspace("first", False),
                         "decoder": {"type": "Sequence", "decoders": SPM_DECODER["decoders"]}}),
]
dump("unigram-expected.json", run_variants(unigram_base, UNIGRAM_VARIANTS, strings))

# ---- WordPiece from BERT's vocabulary ------------------------------------------------------------
r = gguf.GGUFReader(os.path.join(MODELS, "ggml-vocab-bert-bge.gguf"))
bert = field(r, "tokenizer.ggml.tokens")
# The GGUF writes word-initial pieces with "▁" and continuations bare; tokenizer.json uses "##".
bert = [t[1:] if t.startswith("▁") else (t if t.startswith("[") and t.endswith("]") else "##" + t) for t in bert]
keep = [t for i, t in enumerate(bert) if i < 6000 or (t.startswith("##") and len(t) == 3)]
wp_vocab = {t: i for i, t in enumerate(keep)}
wordpiece_base = {
    "version": "1.0", "truncation": None, "padding": None,
    "added_tokens": [added(wp_vocab[t], t) for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]],
    "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                   "strip_accents": None, "lowercase": True},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
    "post_processor": None,
    "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100, "vocab": wp_vocab},
}
dump("wordpiece-tokenizer.json", wordpiece_base)
WORDPIECE_VARIANTS = [
    ("uncased", {}),
    ("cased", {"normalizer": dict(wordpiece_base["normalizer"], lowercase=False)}),
    ("uncased-keep-accents", {"normalizer": dict(wordpiece_base["normalizer"], strip_accents=False)}),
    ("no-cleanup", {"decoder": {"type": "WordPiece", "prefix": "##", "cleanup": False}}),
]
dump("wordpiece-expected.json", run_variants(wordpiece_base, WORDPIECE_VARIANTS, texts("bert-bge")))
