#!/usr/bin/env bash
# Compare `overseer bench` against llama.cpp's `llama-bench` on the same GGUF and thread count.
# NEVER run in CI (it refuses when CI is set). See bench/README.md.
#
# usage: bench/compare.sh [-m MODEL] [-t THREADS[,THREADS...]] [-r REPS] [-p PROMPT_TOKENS]
#                         [-n GEN_TOKENS] [--llama-only | --overseer-only] [--out DIR]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
refuse_in_ci

MODEL="${OVERSEER_MODEL:-}"   # empty: the fetched default model
THREADS="2"; REPS=5; PP=128; TG=128; RUN_LLAMA=1; RUN_OVERSEER=1; OUT=""
while [ $# -gt 0 ]; do
    case "$1" in
        -m|--model) MODEL="$2"; shift 2 ;;
        -t|--threads) THREADS="$2"; shift 2 ;;
        -r|--repetitions) REPS="$2"; shift 2 ;;
        -p|--prompt-tokens) PP="$2"; shift 2 ;;
        -n|--gen-tokens) TG="$2"; shift 2 ;;
        --llama-only) RUN_OVERSEER=0; shift ;;
        --overseer-only) RUN_LLAMA=0; shift ;;
        --out) OUT="$2"; shift 2 ;;
        -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done

ensure_model
[ -n "$OUT" ] || OUT="$(mktemp -d "${TMPDIR:-/tmp}/overseer-compare.XXXXXX")"
mkdir -p "$OUT"
if [ "$RUN_LLAMA" = 1 ]; then BIN="$(ensure_llama_cpp llama-bench)"; fi
if [ "$RUN_OVERSEER" = 1 ]; then OVERSEER="$(find_overseer)"; fi

log "model:   $MODEL"
log "threads: $THREADS  reps: $REPS  prompt: $PP  gen: $TG  outputs: $OUT"

for T in ${THREADS//,/ }; do
    if [ "$RUN_LLAMA" = 1 ]; then
        log "llama-bench -t $T"
        peak_rss "$OUT/llama.t$T.rss" "$BIN/llama-bench" -m "$MODEL" -p "$PP" -n "$TG" \
            -t "$T" -r "$REPS" -o json > "$OUT/llama.t$T.json"
    fi
    if [ "$RUN_OVERSEER" = 1 ]; then
        log "overseer bench --threads $T"
        peak_rss "$OUT/overseer.t$T.rss" "$OVERSEER" bench -m "$MODEL" --prompt-tokens "$PP" \
            --gen-tokens "$TG" --threads "$T" --repetitions "$REPS" --json > "$OUT/overseer.t$T.json"
    fi

    python3 - "$OUT" "$T" "$PP" "$TG" <<'PY'
import json, os, statistics, sys
out, t, pp, tg = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def load(p):
    return json.load(open(p)) if os.path.exists(p) else None

def rss(p):
    return int(open(p).read()) if os.path.exists(p) else None

L, O = load(f"{out}/llama.t{t}.json"), load(f"{out}/overseer.t{t}.json")
res = {"threads": int(t)}
if L is not None:
    def pick(n_prompt, n_gen):
        for e in L:
            if e["n_prompt"] == n_prompt and e["n_gen"] == n_gen:
                return e
        raise SystemExit(f"llama-bench JSON has no pp{n_prompt}/tg{n_gen} entry")
    p, g = pick(pp, 0), pick(0, tg)
    res["llama"] = {
        # llama-bench itself reports the mean; overseer reports medians, so compare medians.
        "prefill_tokens_per_s": statistics.median(p["samples_ts"]),
        "decode_tokens_per_s": statistics.median(g["samples_ts"]),
        "prefill_mean": p["avg_ts"], "prefill_stddev": p["stddev_ts"],
        "decode_mean": g["avg_ts"], "decode_stddev": g["stddev_ts"],
        "peak_rss_bytes": rss(f"{out}/llama.t{t}.rss"),
        "build": f'{p.get("build_commit")} ({p.get("build_number")})', "cpu": p.get("cpu_info"),
    }
if O is not None:
    res["overseer"] = {
        "prefill_tokens_per_s": float(O["prefill_tokens_per_s"]),
        "decode_tokens_per_s": float(O["decode_tokens_per_s"]),
        "peak_rss_bytes": int(O["peak_rss_bytes"]),
        "peak_rss_bytes_external": rss(f"{out}/overseer.t{t}.rss"),
    }

def mib(b):
    return "n/a" if b is None else f"{b / 2**20:.1f} MiB"

print(f"\n== threads={t}  pp{pp} / tg{tg} ==")
print(f'{"":10} {"prefill t/s":>12} {"decode t/s":>12} {"peak RSS":>14}')
for k in ("llama", "overseer"):
    if k in res:
        r = res[k]
        print(f'{k:10} {r["prefill_tokens_per_s"]:12.2f} {r["decode_tokens_per_s"]:12.2f} {mib(r["peak_rss_bytes"]):>14}')
if "llama" in res and "overseer" in res:
    l, o = res["llama"], res["overseer"]
    ratios = {
        "decode": o["decode_tokens_per_s"] / l["decode_tokens_per_s"],
        "prefill": o["prefill_tokens_per_s"] / l["prefill_tokens_per_s"],
        "peak_memory": o["peak_rss_bytes"] / l["peak_rss_bytes"] if l["peak_rss_bytes"] else None,
    }
    res["ratios_overseer_over_llama"] = ratios
    print(f'ratio overseer/llama.cpp: decode {ratios["decode"]:.3f}x  prefill {ratios["prefill"]:.3f}x  '
          f'peak memory {ratios["peak_memory"]:.3f}x   (speed: >1 = overseer faster; memory: <1 = overseer smaller)')
    if o["peak_rss_bytes_external"]:
        print(f'  (overseer peak RSS measured from outside: {mib(o["peak_rss_bytes_external"])}; '
              f'llama.cpp figure is always measured from outside, over the whole llama-bench run)')
json.dump(res, open(f"{out}/summary.t{t}.json", "w"), indent=2)
PY
done
log "raw outputs and summary.t*.json in $OUT"
