#!/usr/bin/env python3
"""Summarize greedy.jsonl: determinism across threads, attention-precision divergence, near-ties,
and how far llama.cpp's own configurations are from each other in logits.
Usage: greedy_summary.py GREEDY.jsonl LOGITS_DIR > greedy_summary.txt"""
import glob, json, os, sys
import numpy as np

recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
L = sys.argv[2]
by = {(r["id"], r["flash_attn"], r["kv_cache_type"], r["threads"]): r for r in recs}
ids = list(dict.fromkeys(r["id"] for r in recs))
CFG = [(True, "f16"), (False, "f16"), (False, "f32")]
name = {(True, "f16"): "fa=on /kv f16 (llama.cpp CLI default)", (False, "f16"): "fa=off/kv f16 (llama-cpp-python default)",
        (False, "f32"): "fa=off/kv f32 (most precise attention)"}
print("Greedy reference summary (llama.cpp 0c1e570 via llama-cpp-python ctypes, argmax of raw logits)")
print("gap = logprob(top1) - logprob(top2) at a step; a 'near-tie' is gap < 0.05 nats\n")
for pid in ids:
    a = by[(pid, True, "f16", 1)]
    print(f"== {pid} ({a['kind']}, {len(a['prompt_ids'])} prompt tokens)")
    for fa, kv in CFG:
        r = by[(pid, fa, kv, 1)]
        r2 = by.get((pid, fa, kv, 2))
        same = "n/a" if r2 is None else (r["generated_ids"] == r2["generated_ids"] and r["top5"] == r2["top5"])
        gaps = [s[0][1] - s[1][1] for s in r["top5"]]
        near = [(i, round(g, 4)) for i, g in enumerate(gaps) if g < 0.05]
        print(f"  {name[(fa, kv)]:42}: {r['n_new']:2} tokens, stop={r['stop_reason']:6}, t1==t2: {same}, "
              f"near-ties (step,gap): {near}")
    ref = by[(pid, True, "f16", 1)]["generated_ids"]
    for fa, kv in CFG[1:]:
        o = by[(pid, fa, kv, 1)]["generated_ids"]
        k = next((i for i, (x, y) in enumerate(zip(ref, o)) if x != y), None)
        if k is None and len(ref) == len(o):
            print(f"  vs CLI default, {name[(fa, kv)][:13]}: identical token ids")
        else:
            k = k if k is not None else min(len(ref), len(o))
            s0, s1 = by[(pid, True, "f16", 1)]["top5"][k], by[(pid, fa, kv, 1)]["top5"][k]
            print(f"  vs CLI default, {name[(fa, kv)][:13]}: first different token at step {k}: "
                  f"{ref[k] if k < len(ref) else None} (gap {s0[0][1]-s0[1][1]:.4f}) vs "
                  f"{o[k] if k < len(o) else None} (gap {s1[0][1]-s1[1][1]:.4f})")
    print(f"  text (CLI default): {by[(pid, True, 'f16', 1)]['generated_text']!r}")


def lsm(x):
    x = x.astype(np.float64)
    m = x.max(axis=-1, keepdims=True)
    return x - (m + np.log(np.exp(x - m).sum(axis=-1, keepdims=True)))


print("\nLogits files: logits/<id>.fa<0|1>.kv<f16|f32>.t<1|2>.{last,all}.npy, float32, shape (49152,) for .last,")
print("(n_prompt, 49152) for .all (row i = logits after prompt token i). Pairwise differences over ALL prompt positions:")
for f in sorted(glob.glob(os.path.join(L, "*.fa0.kvf32.t1.all.npy"))):
    base = os.path.basename(f).split(".")[0]
    ref = np.load(f)
    print(f"  {base}: {ref.shape[0]} positions; last-position argmax {int(ref[-1].argmax())}, max logit {ref[-1].max():.4f}")
    for tag in ("fa1.kvf16.t1", "fa0.kvf16.t1"):
        x = np.load(f.replace("fa0.kvf32.t1", tag))
        d = np.abs(x - ref)
        pr, px = lsm(ref), lsm(x)
        kl = (np.exp(pr) * (pr - px)).sum(axis=-1)
        agree = (x.argmax(-1) == ref.argmax(-1)).mean()
        top = np.argsort(-ref, axis=-1)[:, :10]
        dlp = np.abs(np.take_along_axis(px, top, -1) - np.take_along_axis(pr, top, -1))
        print(f"    {tag} vs fa0.kvf32.t1: max|dlogit| {d.max():.4f}, mean|dlogit| {d.mean():.4f}, "
              f"max|dlogprob| on ref top-10 {dlp.max():.4f}, KL(ref||x) max {kl.max():.2e} mean {kl.mean():.2e}, "
              f"top1 agreement {agree:.3f}")
    x1, x2 = np.load(f.replace("fa0.kvf32.t1", "fa1.kvf16.t1")), np.load(f.replace("fa0.kvf32.t1", "fa1.kvf16.t2"))
    print(f"    fa1.kvf16 t1 vs t2 bit-identical: {np.array_equal(x1, x2)}")
