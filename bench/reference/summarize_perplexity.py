#!/usr/bin/env python3
"""Summarize /work/ref/perplexity/*.log (+ ppl_chunks.c*.json) into perplexity.txt (stdout)."""
import hashlib, json, math, os, re

REF = "/work/ref"
F = f"{REF}/data/GPL-3.txt"
sha = hashlib.sha256(open(F, "rb").read()).hexdigest()
print("llama-perplexity reference, SmolLM2-135M-Instruct.Q4_1.gguf")
print(f"text: {F} ({os.path.getsize(F)} bytes, sha256 {sha})")
print("      = Debian /usr/share/common-licenses/GPL-3 verbatim; llama.cpp's -f drops ONE trailing newline")
print("llama.cpp: llama-cpp-python 0.3.36 sdist, ggml 0.25.3, commit 0c1e570, Release, GGML_NATIVE=ON, CPU")
print("flash_attn=auto (resolves to ON on CPU); f16 KV cache; no BOS (add_bos_token=false); threads as in each command")
print("(1 and 2 threads give bit-identical results; n_ubatch default 512)")
print()
print("Method (tools/perplexity/perplexity.cpp): tokens cut into floor(n_tokens/N) chunks of N; each chunk")
print("from an empty KV cache at positions 0..N-1; logits at positions N/2..N-2 score tokens N/2+1..N-1")
print("(N/2-1 tokens per chunk); PPL = exp(mean NLL over all scored tokens). The [i] values llama-perplexity")
print("prints are RUNNING estimates after chunk i; exact per-chunk values are from ppl_chunks.c*.json")
print("(same libllama, same procedure, recomputed in Python with float64 log-softmax).")
for C in (128, 512):
    for b in (f"b{C}", "bdefault"):
        p = f"{REF}/perplexity/llama-perplexity.c{C}.{b}.log"
        if not os.path.exists(p):
            continue
        log = open(p, encoding="utf-8", errors="replace").read()
        cmdb = f"-b {C}" if b != "bdefault" else "(default -b 2048)"
        print()
        print(f"=== --ctx-size {C} {cmdb} ===")
        mt = re.search(r"n_threads = (\d+)", log)
        nt = mt.group(1) if mt else "?"
        print(f"command: llama-perplexity -m MODEL -f data/GPL-3.txt -c {C} {'-b ' + str(C) + ' ' if b != 'bdefault' else ''}-t {nt}")
        for pat in (r"tokenizes to only.*", r"perplexity: calculating perplexity over .*", r"perplexity: tokenization took .*"):
            m = re.search(pat, log)
            if m:
                print(m.group(0))
        run = [float(x) for _, x in re.findall(r"\[(\d+)\]([0-9.]+),", log)]
        print(f"chunks: {len(run)}")
        print("running PPL after each chunk: " + ", ".join(f"[{i+1}]{v:.4f}" for i, v in enumerate(run)))
        m = re.search(r"Final estimate: PPL = ([0-9.]+) \+/- ([0-9.]+)", log)
        print(f"FINAL ESTIMATE: PPL = {m.group(1)} +/- {m.group(2)}" if m else "FINAL ESTIMATE: (missing)")
    j = f"{REF}/perplexity/ppl_chunks.c{C}.json"
    if os.path.exists(j):
        r = json.load(open(j))
        print(f"--- ctx {C}: exact per-chunk values (ppl_chunks.py, one chunk per decode, flash_attn={r['flash_attn']}) ---")
        print(f"n_tokens={r['n_tokens']} n_chunks={r['n_chunks']} scored_per_chunk={r['scored_per_chunk']} "
              f"PPL={r['perplexity']:.4f}")
        print("per-chunk PPL: " + ", ".join(f"[{c['chunk']}]{c['ppl']:.4f}" for c in r["chunks"]))
