#!/usr/bin/env python3
"""Compare Overseer's greedy generations with reference generations from another engine.

Usage: compare_greedy.py REFERENCE.jsonl [--overseer PATH] [--model MODEL] [--threads N]

Each reference line holds: id, kind ("raw" or "chat"), user_text, prompt_ids, generated_ids,
n_new, threads, flash_attn, and optionally top5 (per step: [[id, logprob, logit], ...]).
For every reference run this script runs `overseer generate --json` on the same prompt and
reports whether the prompt ids match, how many generated tokens agree, and at the first
divergence how far apart the reference engine's top two logits were (a near-tie when small).
Never run in CI: it needs the reference outputs produced by bench/ scripts.
"""
import argparse
import os
import json
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("reference")
    ap.add_argument("--overseer", default=".build/release/overseer")
    ap.add_argument("--model", default="smollm2")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--near-tie", type=float, default=0.5, help="logit gap counted as a near-tie")
    ap.add_argument("--json-out", default="out/greedy_compare.json", help="where the table is written as JSON")
    args = ap.parse_args()

    seen = set()
    rows = []
    for line in open(args.reference):
        ref = json.loads(line)
        key = (ref["id"], ref.get("flash_attn"))
        if key in seen:
            continue
        seen.add(key)
        cmd = [args.overseer, "generate", "-m", args.model, "-p", ref["user_text"], "-n", str(ref["n_new"]),
               "--threads", str(args.threads), "--json"]
        if ref["kind"] == "chat":
            cmd.append("--chat")
        out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        ours, theirs = out["generated_tokens"], list(ref["generated_ids"])
        # The reference lists the end-of-generation token it stopped on; Overseer does not
        # release it (finish_reason "eos"), so compare without it.
        if ref.get("stop_reason") == "eog" and out["finish_reason"] == "eos" and theirs:
            theirs = theirs[:-1]
        agree = 0
        while agree < min(len(ours), len(theirs)) and ours[agree] == theirs[agree]:
            agree += 1
        gap = None
        if agree < min(len(ours), len(theirs)) and ref.get("top5") and agree < len(ref["top5"]):
            top = ref["top5"][agree]
            logits = {t[0]: t[2] for t in top}
            if ours[agree] in logits:
                gap = top[0][2] - logits[ours[agree]]
        full = agree == len(theirs) == len(ours)
        rows.append({
            "id": ref["id"], "flash_attn": ref.get("flash_attn"),
            "prompt_match": out["prompt_tokens"] == ref["prompt_ids"],
            "agree": agree, "ours": len(ours), "theirs": len(theirs), "identical": full,
            "gap_at_divergence": gap,
        })
    print(f"{'id':24} {'fa':>5} {'prompt':>6} {'agree':>9} {'gap':>8}  verdict")
    for r in rows:
        if r["identical"]:
            verdict = "identical"
        elif r["gap_at_divergence"] is not None and r["gap_at_divergence"] <= args.near_tie:
            verdict = "near-tie"
        else:
            verdict = "DIVERGES"
        gap = "-" if r["gap_at_divergence"] is None else f"{r['gap_at_divergence']:.3f}"
        print(f"{r['id']:24} {str(r['flash_attn']):>5} {str(r['prompt_match']):>6} "
              f"{r['agree']:>4}/{r['theirs']:<4} {gap:>8}  {verdict}")
        r["verdict"] = verdict
    os.makedirs(os.path.dirname(args.json_out) or ".", exist_ok=True)
    with open(args.json_out, "w") as f:
        json.dump(rows, f, indent=1)
    bad = [r for r in rows if r["verdict"] == "DIVERGES" or not r["prompt_match"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
