#!/usr/bin/env python3
"""Greedy reference generations + logits via llama-cpp-python (ctypes bindings from the
same sdist, loaded against the libllama.so we built; no pip install needed).

Env: PYTHONPATH=<sdist dir>  LLAMA_CPP_LIB_PATH=<build>/bin
Usage: make_greedy.py MODEL OUTDIR

Writes OUTDIR/greedy.jsonl and OUTDIR/logits/*.npy.

Procedure per (prompt, threads):
  - fresh context: n_ctx=512, n_batch=512, n_ubatch=512, logits_all=True, seed=42
  - configs (flash_attn, KV cache type, threads):
      on/f16/1, on/f16/2   = what llama.cpp's own tools do on CPU (flash_attn=auto -> ON, f16 KV)
      off/f16/1, off/f16/2 = llama-cpp-python's default (flash attention off)
      off/f32/1            = highest-precision llama.cpp attention (f32 K/V, no f16 rounding in
                             attention); weights x activations still go through Q4_1 x Q8_1 dot products
  - prompt tokenized with llama_tokenize(add_bos=False [GGUF add_bos_token=false],
    parse_special = True for chat prompts, False for raw prompts)
  - whole prompt decoded as ONE batch, then each generated token decoded alone (batch of 1)
  - next token = argmax of the raw float32 logits (== top-k 1 / temperature 0;
    no repetition penalty, no other samplers). np.argmax picks the lowest id on an exact tie.
  - stop after 64 new tokens or when an end-of-generation token is produced
    (the EOG token is included in generated_ids; stop_reason says which).
"""
import json, os, sys
import numpy as np
import llama_cpp
from llama_cpp import Llama

MODEL, OUTDIR = sys.argv[1], sys.argv[2]
N_NEW = 64
SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"


def chatml(user):
    return (f"<|im_start|>system\n{SYSTEM}<|im_end|>\n"
            f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n")


PROMPTS = [
    # (id, kind, user_text, save_logits)
    ("raw_capital", "raw", "The capital of France is", True),
    ("raw_fibonacci", "raw", "def fibonacci(n):", True),
    ("raw_once", "raw", "Once upon a time", False),
    ("raw_fox", "raw", "The quick brown fox", False),
    ("raw_count", "raw", "1, 2, 3, 4, 5,", False),
    ("chat_capital", "chat", "What is the capital of France?", True),
    ("chat_reverse", "chat", "Write a Python function that reverses a string.", False),
    ("chat_photosynthesis", "chat", "Explain photosynthesis in one sentence.", False),
    ("chat_focus", "chat", "Give me three tips for staying focused.", False),
    ("chat_translate", "chat", "Translate 'good morning' into French.", False),
]


def log_softmax(x):
    x = x.astype(np.float64)
    m = x.max()
    return x - (m + np.log(np.exp(x - m).sum()))


def main():
    os.makedirs(os.path.join(OUTDIR, "logits"), exist_ok=True)
    out = open(os.path.join(OUTDIR, "greedy.jsonl"), "w", encoding="utf-8")
    # (flash_attn, kv cache type, threads). GGML_TYPE_F32=0, GGML_TYPE_F16=1.
    configs = [(True, "f16", 1), (True, "f16", 2), (False, "f16", 1), (False, "f16", 2), (False, "f32", 1)]
    for fa, kv, threads in configs:
        kvt = {"f16": 1, "f32": 0}[kv]
        llm = Llama(model_path=MODEL, n_ctx=512, n_batch=512, n_ubatch=512, n_threads=threads,
                    n_threads_batch=threads, logits_all=True, seed=42, verbose=False, flash_attn=fa,
                    type_k=kvt, type_v=kvt)
        vocab = llm._model.vocab
        for pid, kind, user, save in PROMPTS:
            text = chatml(user) if kind == "chat" else user
            ps = kind == "chat"
            ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=ps)
            llm.reset()
            llm._ctx.kv_cache_clear()
            llm.eval(ids)
            n_p = len(ids)
            scores = np.array(llm.scores[:n_p], dtype=np.float32)  # (n_p, n_vocab) logits of prompt positions
            if save:
                np.save(os.path.join(OUTDIR, "logits", f"{pid}.fa{int(fa)}.kv{kv}.t{threads}.last.npy"), scores[-1])
                np.save(os.path.join(OUTDIR, "logits", f"{pid}.fa{int(fa)}.kv{kv}.t{threads}.all.npy"), scores)
            gen, top5, stop = [], [], "length"
            logits = scores[-1]
            for step in range(N_NEW):
                lp = log_softmax(logits)
                order = np.argsort(-logits, kind="stable")[:5]
                top5.append([[int(t), round(float(lp[t]), 6), round(float(logits[t]), 6)] for t in order])
                tok = int(np.argmax(logits))
                gen.append(tok)
                if llama_cpp.llama_vocab_is_eog(vocab, tok):
                    stop = "eog"
                    break
                llm.eval([tok])
                logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
            body = [t for t in gen if not llama_cpp.llama_vocab_is_eog(vocab, t)]
            txt = llm.detokenize(body).decode("utf-8", errors="replace")
            pieces = [llm.detokenize([t], special=True).decode("utf-8", errors="backslashreplace") for t in gen]
            rec = {"id": pid, "kind": kind, "user_text": user, "prompt_text": text,
                   "parse_special": ps, "add_bos": False, "threads": threads, "flash_attn": fa, "kv_cache_type": kv,
                   "prompt_ids": ids, "generated_ids": gen, "generated_text": txt,
                   "generated_pieces": pieces, "stop_reason": stop, "n_new": len(gen),
                   "top5": top5}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            out.flush()
            print("fa", int(fa), "kv", kv, "t", threads, pid, len(ids), len(gen), stop, repr(txt[:80]), flush=True)
        del llm
    out.close()


main()
