#!/usr/bin/env python3
"""Cross-check greedy.jsonl against llama.cpp's own greedy CLI (llama-simple: greedy sampler,
prompt tokenized with add_special+parse_special, whole prompt in one batch, stops at EOG,
flash_attn=auto -> ON on CPU, default thread count). One llama-simple run per prompt; its stdout
is compared with the threads=1 records of greedy.jsonl, flash attention on and off.
Usage: check_simple.py LLAMA_SIMPLE MODEL GREEDY.jsonl OUT.jsonl"""
import json, subprocess, sys

simple, model, greedy, out = sys.argv[1:5]
recs = [json.loads(l) for l in open(greedy, encoding="utf-8")]
by = {(r["id"], r["flash_attn"]): r for r in recs if r["threads"] == 1}
ids = list(dict.fromkeys(r["id"] for r in recs))
summary = {True: 0, False: 0}
with open(out, "w", encoding="utf-8") as fo:
    for pid in ids:
        r = by[(pid, True)]
        p = subprocess.run([simple, "-m", model, "-n", "64", r["prompt_text"]], capture_output=True)
        stdout = p.stdout.decode("utf-8", errors="replace").rstrip("\n")
        res = {}
        for fa in (True, False):
            g = by[(pid, fa)]["generated_text"].rstrip("\n")
            res[fa] = stdout.endswith(g)
            summary[fa] += res[fa]
        fo.write(json.dumps({"id": pid, "llama_simple_stdout": stdout,
                             "matches_flash_attn_on": res[True], "matches_flash_attn_off": res[False]},
                            ensure_ascii=False) + "\n")
        print(f"{pid:22} fa_on:{'MATCH' if res[True] else 'DIFF':5}  fa_off:{'MATCH' if res[False] else 'DIFF'}")
print(f"llama-simple text matches greedy.jsonl: flash_attn on {summary[True]}/{len(ids)}, off {summary[False]}/{len(ids)}")
