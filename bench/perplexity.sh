#!/usr/bin/env bash
# Perplexity of the same text at the same context: llama.cpp's `llama-perplexity` vs
# `overseer score`. NEVER run in CI (it refuses when CI is set). See bench/README.md.
#
# usage: bench/perplexity.sh [-m MODEL] [-f TEXT_FILE] [-c CONTEXT] [-t THREADS] [-b BATCH]
#                            [--llama-only | --overseer-only] [--out DIR]
# defaults: the SmolLM2 GGUF, bench/data/GPL-3.txt, context 512, 2 threads, batch = context
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
refuse_in_ci

MODEL="${OVERSEER_MODEL:-}"   # empty: the fetched default model
FILE="$BENCH_ROOT/data/GPL-3.txt"; CTX=512; THREADS=2; BATCH=""; RUN_LLAMA=1; RUN_OVERSEER=1; OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        -m|--model) MODEL="$2"; shift 2 ;;
        -f|--file) FILE="$2"; shift 2 ;;
        -c|--context) CTX="$2"; shift 2 ;;
        -t|--threads) THREADS="$2"; shift 2 ;;
        -b|--batch) BATCH="$2"; shift 2 ;;
        --llama-only) RUN_OVERSEER=0; shift ;;
        --overseer-only) RUN_LLAMA=0; shift ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done
# batch == context: llama-perplexity then evaluates one chunk per decode call (n_seq=1), the
# simplest schedule. Its own default (-b 2048) packs 2048/CTX chunks into parallel sequences;
# same math, last-bit differences only.
[ -n "$BATCH" ] || BATCH="$CTX"

ensure_model
[ -f "$FILE" ] || die "text file not found: $FILE"
[ -n "$OUT" ] || OUT="$(mktemp -d "${TMPDIR:-/tmp}/overseer-ppl.XXXXXX")"
mkdir -p "$OUT"
if [ "$RUN_LLAMA" = 1 ]; then BIN="$(ensure_llama_cpp llama-perplexity)"; fi
if [ "$RUN_OVERSEER" = 1 ]; then OVERSEER="$(find_overseer)"; fi

log "model: $MODEL"
log "file:  $FILE (sha256 $(sha256sum "$FILE" | cut -d' ' -f1))  context: $CTX  threads: $THREADS"

if [ "$RUN_LLAMA" = 1 ]; then
    log "llama-perplexity -c $CTX -b $BATCH"
    "$BIN/llama-perplexity" -m "$MODEL" -f "$FILE" -c "$CTX" -b "$BATCH" -t "$THREADS" \
        > "$OUT/llama.c$CTX.txt" 2>&1 || { cat "$OUT/llama.c$CTX.txt" >&2; die "llama-perplexity failed"; }
fi
if [ "$RUN_OVERSEER" = 1 ]; then
    log "overseer score --context $CTX"
    "$OVERSEER" score -m "$MODEL" --file "$FILE" --context "$CTX" --json > "$OUT/overseer.c$CTX.json"
fi

python3 - "$OUT" "$CTX" <<'PY'
import json, os, re, sys
out, ctx = sys.argv[1], sys.argv[2]
res = {"context": int(ctx)}
p = f"{out}/llama.c{ctx}.txt"
if os.path.exists(p):
    log = open(p, encoding="utf-8", errors="replace").read()
    m = re.search(r"Final estimate: PPL = ([0-9.]+) \+/- ([0-9.]+)", log)
    if not m:
        raise SystemExit("no 'Final estimate' in llama-perplexity output:\n" + log[-2000:])
    chunks = re.findall(r"\[(\d+)\]([0-9.]+|nan|inf),", log)
    res["llama"] = {"perplexity": float(m.group(1)), "stderr": float(m.group(2)),
                    "chunks": len(chunks)}
p = f"{out}/overseer.c{ctx}.json"
if os.path.exists(p):
    res["overseer"] = {"perplexity": float(json.load(open(p))["perplexity"])}
print(f"\n== perplexity, context {ctx} ==")
if "llama" in res:
    l = res["llama"]
    print(f'llama.cpp  {l["perplexity"]:.4f} +/- {l["stderr"]:.4f}  ({l["chunks"]} chunks)')
if "overseer" in res:
    print(f'overseer   {res["overseer"]["perplexity"]:.4f}')
if "llama" in res and "overseer" in res:
    d = (res["overseer"]["perplexity"] - res["llama"]["perplexity"]) / res["llama"]["perplexity"]
    res["relative_difference"] = d
    print(f"relative difference (overseer - llama.cpp) / llama.cpp: {d:+.3%}")
json.dump(res, open(f"{out}/summary.c{ctx}.json", "w"), indent=2)
PY
log "raw outputs in $OUT"
