#!/usr/bin/env bash
# Steering study on the default model (outside CI): positive vs negative sentiment.
#
#   1. a control vector from the contrast pairs in bench/steering/pairs.jsonl (`steer train`);
#   2. a judge trained separately on other sentences (bench/steering/judge.jsonl): a logistic
#      probe on the last token at one layer, threshold 0.5 (P(positive) ≥ 0.5 counts as the
#      concept) — `collect` + `train`;
#   3. `steer study`: each held-out prompt (bench/steering/prompts.txt, chat turns) answered
#      greedily at each scale; concept rate and mean judge score, the fraction of prompts that
#      move the wrong way against scale 0, perplexity on neutral text (bench/data/GPL-3.txt at
#      context 128) with the vector active, and example answers;
#   4. the cost of an active edit on decode: `overseer bench --control-vector` alternates plain
#      and steered decodes in one process (paired ratios).
#
# Usage: bench/steering.sh [--out DIR] [--method pca_center|pca_diff|mean_diff] [--judge-layer L]
#                          [--scales LIST] [--layers A-B]
# Env:   OVERSEER_BIN (default .build/release/overseer), MODEL, THREADS (default 2), REPS (default 21).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
refuse_in_ci

out="${OUT:-/tmp/overseer-steering}"
method=mean_diff
judge_layer=20
scales="-2,-1,-0.5,0.5,1,2"
layers=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        --method) method="$2"; shift 2 ;;
        --judge-layer) judge_layer="$2"; shift 2 ;;
        --scales) scales="$2"; shift 2 ;;
        --layers) layers="$2"; shift 2 ;;
        *) die "unknown option $1" ;;
    esac
done
bin="${OVERSEER_BIN:-$REPO_ROOT/.build/release/overseer}"
[ -x "$bin" ] || die "no overseer binary at $bin (swift build -c release --product overseer)"
find_overseer() { echo "$bin"; }
ensure_model
threads="${THREADS:-2}"
reps="${REPS:-21}"
data="$REPO_ROOT/bench/steering"
mkdir -p "$out"

log "1. control vector ($method) from $(wc -l < "$data/pairs.jsonl") contrast pairs"
"$bin" steer train -m "$MODEL" --pairs "$data/pairs.jsonl" --method "$method" --threads "$threads" \
    -o "$out/sentiment.gguf" --json > "$out/train.json"

log "2. judge: logistic probe at blocks.$judge_layer.hook_resid_post on $(wc -l < "$data/judge.jsonl") other sentences"
"$bin" collect -m "$MODEL" --data "$data/judge.jsonl" --taps "resid_post:$judge_layer" --positions last \
    --threads "$threads" -o "$out/judge-acts" --overwrite
"$bin" train --acts "$out/judge-acts" --kind logistic --layers "$judge_layer" --threshold 0.5 --action log \
    --scope prompt --name sentiment-judge -o "$out/judge.bundle" --json > "$out/judge-train.json"

log "3. study at scales $scales"
layer_args=(); bench_layer_args=()
if [ -n "$layers" ]; then
    layer_args=(--layers "$layers")
    bench_layer_args=(--control-vector-layer-range "${layers%-*}" "${layers#*-}")
fi
"$bin" steer study -m "$MODEL" --vector "$out/sentiment.gguf" "${layer_args[@]}" --judge "$out/judge.bundle" \
    --prompts "$data/prompts.txt" --chat -n 40 --scales="$scales" --neutral "$REPO_ROOT/bench/data/GPL-3.txt" \
    --context 128 --examples 2 --threads "$threads" --json > "$out/study.json"
python3 - "$out/study.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
print("| scale | concept rate | mean judge | wrong way | perplexity (GPL-3, ctx 128) |")
print("| ---: | ---: | ---: | ---: | ---: |")
for r in rows:
    ww = "-" if r.get("wrong_way") is None else f"{r['wrong_way']:.2f}"
    ppl = "-" if r.get("perplexity") is None else f"{r['perplexity']:.3f}"
    print(f"| {r['scale']:g} | {r['concept_rate']:.2f} | {r['mean_judge']:.3f} | {ww} | {ppl} |")
for r in rows:
    for e in r["examples"]:
        print(f"[{r['scale']:g}] {e['prompt']} → {json.dumps(e['answer'])} (judge {e['judge']:.3f})")
PY

log "4. decode with and without the vector (scale 1), $reps paired repetitions, 1 thread"
"$bin" bench -m "$MODEL" --control-vector "$out/sentiment.gguf" "${bench_layer_args[@]}" \
    --threads 1 -r "$reps" --json > "$out/bench.json"
python3 - "$out/bench.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
w, c = b["paired_wall_ratio"], b["paired_cpu_ratio"]
print(f"decode plain {b['decode_tokens_per_s']:.2f} t/s, steered {b['supervised_decode_tokens_per_s']:.2f} t/s; "
      f"paired steered/plain: wall {w['median']:.4f} [{w['min']:.4f}, {w['max']:.4f}], CPU {c['median']:.4f} [{c['min']:.4f}, {c['max']:.4f}]")
PY
log "outputs in $out"
