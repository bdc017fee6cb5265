#!/usr/bin/env python3
"""Produce tokens.jsonl with llama-tokenize.

Usage: make_tokens.py LLAMA_TOKENIZE MODEL OUT.jsonl

Each string is written verbatim (UTF-8) to a temp file and tokenized with
  llama-tokenize -m MODEL -f FILE --ids --no-escape --log-disable [--no-parse-special]
--no-escape is essential: by default the tool turns the two characters "\\n" into a newline.
llama-tokenize parses special tokens BY DEFAULT in this version; --no-parse-special turns it off.
BOS: the tool adds BOS only if the GGUF says add_bos_token=true (not the case for SmolLM2);
the `add_bos` field records what the model asked for.
"""
import json, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from strings import STRINGS

tok, model, out = sys.argv[1:4]


def run(text, parse_special):
    with tempfile.NamedTemporaryFile("wb", delete=False, suffix=".txt") as f:
        f.write(text.encode("utf-8"))
        path = f.name
    try:
        cmd = [tok, "-m", model, "-f", path, "--ids", "--no-escape", "--log-disable"]
        if not parse_special:
            cmd.append("--no-parse-special")
        r = subprocess.run(cmd, capture_output=True, check=True)
        lines = [l for l in r.stdout.decode().splitlines() if l.startswith("[")]
        assert len(lines) == 1, (text, r.stdout, r.stderr)
        return json.loads(lines[0])
    finally:
        os.unlink(path)


n = 0
with open(out, "w", encoding="utf-8") as fo:
    for name, text in STRINGS:
        for ps in (False, True):
            ids = run(text, ps)
            fo.write(json.dumps({"name": name, "text": text, "ids": ids, "parse_special": ps},
                                ensure_ascii=False) + "\n")
            n += 1
print(f"wrote {n} lines to {out}")
