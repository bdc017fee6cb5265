#!/usr/bin/env python3
"""Independent re-computation of llama-perplexity's numbers with exact per-chunk values,
using llama-cpp-python's ctypes bindings on the same libllama.so.

Env: PYTHONPATH=<sdist dir>  LLAMA_CPP_LIB_PATH=<build>/bin
Usage: ppl_chunks.py MODEL TEXT_FILE CTX THREADS OUT.json [FLASH_ATTN=1]
(flash attention on by default: llama-perplexity resolves flash_attn=auto to ON on CPU)

Mirrors tools/perplexity/perplexity.cpp (perplexity(), -b CTX i.e. one chunk per decode):
text = file minus ONE trailing '\\n'; tokens = tokenize(text, add_special=True [no BOS for SmolLM2],
parse_special=False); n_chunk = len(tokens)//CTX; each chunk from an empty cache, its first token
replaced by BOS when the model adds one (Gemma; perplexity.cpp does the same); logits at
positions CTX/2 .. CTX-2 score tokens CTX/2+1 .. CTX-1; PPL = exp(mean NLL).
"""
import json, sys
import numpy as np
import llama_cpp
from llama_cpp import Llama

model, path, ctx, threads, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
fa = (sys.argv[6] if len(sys.argv) > 6 else "1") == "1"
text = open(path, "rb").read().decode("utf-8")
if text.endswith("\n"):
    text = text[:-1]
llm = Llama(model_path=model, n_ctx=ctx, n_batch=ctx, n_ubatch=ctx, n_threads=threads,
            n_threads_batch=threads, logits_all=True, verbose=False, flash_attn=fa)
toks = llm.tokenize(text.encode("utf-8"), add_bos=True, special=False)
n_chunk = len(toks) // ctx
first = ctx // 2
vocab = llm._model.vocab
bos = llama_cpp.llama_vocab_bos(vocab) if llama_cpp.llama_vocab_get_add_bos(vocab) else None
chunks, tot_nll, tot_n = [], 0.0, 0
for i in range(n_chunk):
    c = toks[i * ctx:(i + 1) * ctx]
    if bos is not None:
        c = [bos] + c[1:]
    llm.reset()
    llm._ctx.kv_cache_clear()
    llm.eval(c)
    lg = np.array(llm.scores[first:ctx - 1], dtype=np.float64)
    m = lg.max(axis=1, keepdims=True)
    lse = (m[:, 0] + np.log(np.exp(lg - m).sum(axis=1)))
    tgt = np.array(c[first + 1:ctx])
    nll = lse - lg[np.arange(len(tgt)), tgt]
    tot_nll += nll.sum(); tot_n += len(tgt)
    chunks.append({"chunk": i + 1, "nll_sum": float(nll.sum()), "n_scored": len(tgt),
                   "ppl": float(np.exp(nll.mean())), "running_ppl": float(np.exp(tot_nll / tot_n))})
res = {"file": path, "ctx": ctx, "threads": threads, "flash_attn": fa, "n_tokens": len(toks), "n_chunks": n_chunk,
       "scored_per_chunk": ctx - first - 1, "perplexity": float(np.exp(tot_nll / tot_n)), "chunks": chunks}
json.dump(res, open(out, "w"), indent=1)
print(f"ctx={ctx} tokens={len(toks)} chunks={n_chunk} ppl={res['perplexity']:.4f}")
