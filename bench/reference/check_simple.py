#!/usr/bin/env python3
"""Cross-check greedy.jsonl against llama.cpp's own greedy CLI (llama-simple: greedy sampler,
prompt tokenized with add_special+parse_special, whole prompt in one batch, stops at EOG,
flash_attn=auto -> ON on CPU, default thread count). One llama-simple run per prompt; its stdout
is compared with the threads=1 records of greedy.jsonl for each attention configuration.
Usage: check_simple.py LLAMA_SIMPLE MODEL GREEDY.jsonl OUT.jsonl"""
import json, subprocess, sys

simple, model, greedy, out = sys.argv[1:5]
recs = [json.loads(l) for l in open(greedy, encoding="utf-8")]
by = {(r["id"], r["flash_attn"], r["kv_cache_type"]): r for r in recs if r["threads"] == 1}
CFG = [(True, "f16"), (False, "f16"), (False, "f32")]
ids = list(dict.fromkeys(r["id"] for r in recs))
summary = {c: 0 for c in CFG}
with open(out, "w", encoding="utf-8") as fo:
    for pid in ids:
        r = by[(pid, True, "f16")]
        p = subprocess.run([simple, "-m", model, "-n", "64", r["prompt_text"]], capture_output=True)
        stdout = p.stdout.decode("utf-8", errors="replace").rstrip("\n")
        res = {}
        for c in CFG:
            g = by[(pid, *c)]["generated_text"].rstrip("\n")
            res[c] = stdout.endswith(g)
            summary[c] += res[c]
        fo.write(json.dumps({"id": pid, "llama_simple_stdout": stdout,
                             "matches_fa_on_kv_f16": res[(True, "f16")],
                             "matches_fa_off_kv_f16": res[(False, "f16")], "matches_fa_off_kv_f32": res[(False, "f32")]},
                            ensure_ascii=False) + "\n")
        print(f"{pid:22} " + "  ".join(f"fa={'on' if c[0] else 'off'}/kv {c[1]}: {'MATCH' if res[c] else 'DIFF ':5}" for c in CFG))
print("llama-simple text matches greedy.jsonl (threads=1): " + ", ".join(f"fa={'on' if c[0] else 'off'}/kv {c[1]} {summary[c]}/{len(ids)}" for c in CFG))
