#!/usr/bin/env python3
"""llama.cpp reference outputs for the Gemma 3 270M GGUF: token ids, greedy generations with
top-5 logits, and the logits of every prompt position.

Env: PYTHONPATH=<sdist dir>  LLAMA_CPP_LIB_PATH=<build>/bin   (as for make_greedy.py)
Usage: gemma3_reference.py MODEL OUTDIR

Writes OUTDIR/tokens.jsonl, OUTDIR/greedy.jsonl (the record format bench/compare_greedy.py
reads) and OUTDIR/logits/<id>.fa<0|1>.f32 (raw little-endian float32 [prompt tokens, vocab]).

  - tokens: every string of GEMMA_STRINGS tokenized with llama_tokenize(add_bos=True [GGUF
    add_bos_token=true], parse_special=False), the way `overseer score --text` encodes text.
  - chat prompts: the conversation [user] rendered with Python jinja2 from Google's Gemma 3
    template (Tests/TemplatesTests/Fixtures/templates/gemma3.jinja, the file carries none),
    bos_token "<bos>", then tokenized with parse_special=True and add_bos=False (the rendered
    text starts with "<bos>").
  - greedy: fresh context (n_ctx 512, one batch for the prompt, then one token at a time), next
    token = argmax of the raw logits, 32 new tokens or an end-of-generation token, for flash
    attention on (llama.cpp's CLI default on CPU) and off, f16 KV cache, THREADS threads.
"""
import json, os, sys
import numpy as np
import jinja2
import llama_cpp
from llama_cpp import Llama

MODEL, OUTDIR = sys.argv[1], sys.argv[2]
THREADS = int(os.environ.get("THREADS", "1"))
N_NEW = 32
HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATE = os.path.join(HERE, "..", "..", "Tests", "TemplatesTests", "Fixtures", "templates", "gemma3.jinja")

GEMMA_STRINGS = [
    ("prose", "The quick brown fox jumps over the lazy dog."),
    ("hello", "Hello world"),
    ("leading_space", " Hello world"),
    ("leading_spaces_3", "   three leading spaces"),
    ("trailing_space", "Hello world "),
    ("multiple_spaces", "a  b   c    d     e"),
    ("tabs", "col1\tcol2\t\tcol3\t"),
    ("newlines", "line one\nline two\r\nline three\n\n\n  indented\n"),
    ("digits", "12345 3.14 1,000,000 0x1F -42 9876543210"),
    ("date_money", "2024-01-15T13:45:30Z, $19.99, 50% off"),
    ("code_python", "def fibonacci(n):\n    if n < 2:\n        return n\n    return fibonacci(n - 1) + fibonacci(n - 2)\n"),
    ("code_c", "int main(void) {\n\tprintf(\"%d\\n\", x[i++]);\n\treturn 0;\n}"),
    ("json", "{\"name\": \"Gemma\", \"params\": 270000000, \"ok\": true}"),
    ("html", "<table><tr><td>cell</td></tr></table> <b>bold</b> <div class=\"x\">"),
    ("url", "Visit https://example.com/path?q=1&lang=en or mail foo.bar@example.org"),
    ("accents", "Café crème, naïve façade; Größe Straße; mañana ¿qué?"),
    ("combining", "Cafe\u0301 e\u0301te\u0301 n\u0303"),
    ("cjk", "你好，世界！こんにちは、世界。안녕하세요"),
    ("cyrillic_greek_arabic", "Привет, мир! Γειά σου Κόσμε مرحبا بالعالم"),
    ("emoji", "I love 🦙 and 🤗! 👍🏽 👨‍👩‍👧‍👦 🇫🇷"),
    ("rare_chars", "\u0007 \U0001D518\U0001D52B\U0001D526 \uE000 \uFFFD"),
    ("special_lookalike", "<start_of_turn>user <end_of_turn> <bos> <eos> <pad>"),
    ("repeated", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!!!!!!!!!!!!??????"),
    ("markdown", "# Title\n\n- item 1\n- item 2\n\n**bold** _italic_ `code`\n\n| a | b |\n|---|---|"),
]

PROMPTS = [
    ("raw_capital", "raw", "The capital of France is"),
    ("raw_fibonacci", "raw", "def fibonacci(n):"),
    ("raw_once", "raw", "Once upon a time"),
    ("raw_count", "raw", "1, 2, 3, 4, 5,"),
    ("chat_capital", "chat", "What is the capital of France?"),
    ("chat_reverse", "chat", "Write a Python function that reverses a string."),
    ("chat_photosynthesis", "chat", "Explain photosynthesis in one sentence."),
]


def gemma_chat(user):
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)   # as HF transformers renders
    def raise_exception(msg):
        raise jinja2.exceptions.TemplateError(msg)
    env.globals["raise_exception"] = raise_exception
    t = env.from_string(open(TEMPLATE, encoding="utf-8").read())
    return t.render(messages=[{"role": "user", "content": user}], add_generation_prompt=True,
                    bos_token="<bos>", eos_token="<eos>")


def log_softmax(x):
    x = x.astype(np.float64)
    m = x.max()
    return x - (m + np.log(np.exp(x - m).sum()))


def main():
    os.makedirs(os.path.join(OUTDIR, "logits"), exist_ok=True)
    llm = Llama(model_path=MODEL, n_ctx=512, n_batch=512, n_ubatch=512, n_threads=THREADS,
                n_threads_batch=THREADS, logits_all=True, seed=42, verbose=False, flash_attn=True)
    with open(os.path.join(OUTDIR, "tokens.jsonl"), "w", encoding="utf-8") as out:
        for name, text in GEMMA_STRINGS:
            ids = llm.tokenize(text.encode("utf-8"), add_bos=True, special=False)
            out.write(json.dumps({"name": name, "text": text, "ids": ids}, ensure_ascii=False) + "\n")
        for pid, kind, user in PROMPTS:
            if kind == "chat":
                text = gemma_chat(user)
                ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
                out.write(json.dumps({"name": pid, "text": text, "ids": ids, "chat_user": user},
                                     ensure_ascii=False) + "\n")
    del llm

    out = open(os.path.join(OUTDIR, "greedy.jsonl"), "w", encoding="utf-8")
    for fa in (True, False):
        llm = Llama(model_path=MODEL, n_ctx=512, n_batch=512, n_ubatch=512, n_threads=THREADS,
                    n_threads_batch=THREADS, logits_all=True, seed=42, verbose=False, flash_attn=fa)
        vocab = llm._model.vocab
        for pid, kind, user in PROMPTS:
            if kind == "chat":
                text = gemma_chat(user)
                ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)
            else:
                text = user
                ids = llm.tokenize(text.encode("utf-8"), add_bos=True, special=False)
            llm.reset()
            llm._ctx.kv_cache_clear()
            llm.eval(ids)
            n_p = len(ids)
            scores = np.array(llm.scores[:n_p], dtype=np.float32)
            scores.astype("<f4").tofile(os.path.join(OUTDIR, "logits", f"{pid}.fa{int(fa)}.f32"))
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
            rec = {"id": pid, "kind": kind, "user_text": user, "prompt_text": text, "threads": THREADS,
                   "flash_attn": fa, "kv_cache_type": "f16", "prompt_ids": ids, "generated_ids": gen,
                   "generated_text": txt, "stop_reason": stop, "n_new": len(gen), "top5": top5}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            out.flush()
            print("fa", int(fa), pid, n_p, len(gen), stop, repr(txt[:70]), flush=True)
        del llm
    out.close()


main()
