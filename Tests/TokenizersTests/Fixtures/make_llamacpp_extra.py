#!/usr/bin/env python3
"""Writes llamacpp-extra.json: token ids from llama.cpp's llama-tokenize for the vocab-only GGUF
files of the families LlamaCppVocabTests checks, on texts beyond llama.cpp's own .inp files.

    python3 make_llamacpp_extra.py LLAMA_TOKENIZE MODELS_DIR

LLAMA_TOKENIZE is the llama-tokenize binary of a llama.cpp build, MODELS_DIR llama.cpp's models/
folder (with ggml-vocab-NAME.gguf). Ids are for plain text: --no-bos --no-parse-special, and the
text is passed through a file without escape processing.
"""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FAMILIES = ["qwen35", "deepseek-llm", "deepseek-coder", "falcon", "bert-bge", "nomic-bert-moe"]

# Texts aimed at the rules of these families: marks, CJK and Hangul, full-width forms, U+3000,
# accents and case (WordPiece), whitespace runs (unigram), digits and punctuation.
TARGETED = [
    "nai\u0308ve cafe\u0301", "हिन्दी भाषा", "Ünïcödé ÀÉÎÕÜ", "a!`b", "x 12 345 6789 1234567",
    "1,234,567.89", "你好ab 世界", "a\u3000b\u3000\u3000c", "ＡＢＣ！ｘｙｚ？", "“quoted” ‘single’ «guillemets»",
    "    \n\t  end  ", "HELLO wOrLd", "Ça va? Très bien!", "한국어 텍스트", "ﬁ ligature ﬀ", "①②③ ½ ²",
    "x²+y²=z²", "don't I'M we'Ve", "emoji 😀👍🏽 ok", "ß ẞ İstanbul", "\u00a0nbsp\u00a0", "tab\tsep\ttab",
    "line\r\nbreak\rcr", "zero\u200bwidth", "ΑΒΓ αβγ Ελληνικά", "Приве́т", "עברית שלום", "ไทย ภาษา",
    "   leading and trailing   ", "a  b   c    d", "<tag attr=\"v\">x</tag>", "path/to/file.txt",
    "snake_case camelCase kebab-case", "$100 + 50% = ~150 | ^2", "日本語のテキストです。", "東京タワー",
]


def texts():
    with open(os.path.join(HERE, "pretokenizer-expected.json")) as f:
        fixture = json.load(f)
    seen, out = set(), []
    for t in [c["text"] for c in fixture["gpt2"]][::4] + TARGETED:
        if t and "\0" not in t and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def ids(binary, model, text):
    with tempfile.NamedTemporaryFile("wb", delete=False) as f:
        f.write(text.encode("utf-8"))
        path = f.name
    try:
        res = subprocess.run([binary, "-m", model, "-f", path, "--ids", "--log-disable", "--no-bos",
                              "--no-parse-special", "--no-escape"], capture_output=True, check=True)
    finally:
        os.unlink(path)
    return json.loads(res.stdout.decode().strip().splitlines()[-1])


def main():
    binary, models = sys.argv[1], sys.argv[2]
    out = {}
    for family in FAMILIES:
        model = os.path.join(models, f"ggml-vocab-{family}.gguf")
        out[family] = [{"text": t, "ids": ids(binary, model, t)} for t in texts()]
        print(family, len(out[family]), file=sys.stderr)
    with open(os.path.join(HERE, "llamacpp-extra.json"), "w") as f:
        json.dump(out, f, ensure_ascii=False, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main()
