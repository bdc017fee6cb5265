#!/usr/bin/env bash
# Gradients study on the default model (outside CI): does `teach` see an unwanted lesson, and
# does `finetune --suppress` keep the model from learning it while it learns the task?
#
# The data (written by bench/gradients/make_data.py, seeded): task T is addition in words
# ("What is 12 plus 22?" → "12 plus 22 is 34."); each training answer also carries an unwanted
# concept C, a fixed closing phrase. Two injected concepts: pirate ("Arr, matey!") and cheer
# ("Have a wonderful day!").
#
#   1. concept directions: a control vector per concept from contrast pairs (`steer train`,
#      mean_diff, layers $CONCEPT_LAYERS): pirate, cheer, shout (upper case) and sentiment
#      (bench/steering/pairs.jsonl);
#   2. `teach` on each injected training set with all four concepts, for each null seed in
#      $SEEDS: is the injected concept among the top 3 by run z? (precision over the runs);
#   3. `finetune` on the pirate set, plain and with --suppress pirate (same data, seed, options),
#      each with the held-out task set (answers without C) as --eval;
#   4. the rate of C in greedy answers to held-out prompts with each adapter (`generate --lora`),
#      and the ratio plain / suppressed; T's held-out loss of both runs (it scores the answer's
#      end-of-turn too, which a model that learned C mispredicts) and how many of those answers
#      carry the right sum;
#   5. LoRA step speed: tokens per second over the plain run's steps; beside it PyTorch + PEFT on
#      the same machine when torch, transformers, peft and gguf are importable (never installed
#      by this script or by CI), otherwise reported as not measured.
#
# Usage: bench/gradients.sh [--out DIR]
# Env:   OVERSEER_BIN (default .build/release/overseer), MODEL, THREADS (default 2), SEEDS
#        (default "1 2"), EPOCHS (2), LR (2e-3), RANK (8), TARGETS (q,v,o,down), LORA_LAYERS (8-20),
#        CONCEPT_LAYERS (8-16).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
refuse_in_ci

out="${OUT:-/tmp/overseer-gradients}"
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        *) die "unknown option $1" ;;
    esac
done
bin="${OVERSEER_BIN:-$REPO_ROOT/.build/release/overseer}"
[ -x "$bin" ] || die "no overseer binary at $bin (swift build -c release --product overseer)"
find_overseer() { echo "$bin"; }
ensure_model
threads="${THREADS:-2}"
seeds="${SEEDS:-1 2}"
epochs="${EPOCHS:-2}"
lr="${LR:-2e-3}"
rank="${RANK:-8}"
targets="${TARGETS:-q,v,o,down}"
lora_layers="${LORA_LAYERS:-8-20}"
concept_layers="${CONCEPT_LAYERS:-8-16}"
layer_list="$(python3 -c "a,b='$lora_layers'.split('-'); print(','.join(str(i) for i in range(int(a), int(b)+1)))")"
mkdir -p "$out"/cv "$out"/teach

log "data in $out"
python3 "$BENCH_ROOT/gradients/make_data.py" "$out"
cp "$BENCH_ROOT/steering/pairs.jsonl" "$out/pairs_sentiment.jsonl"

for c in pirate cheer shout sentiment; do
    [ -f "$out/cv/$c.gguf" ] && continue
    log "control vector: $c"
    "$bin" steer train -m "$MODEL" --pairs "$out/pairs_$c.jsonl" --method mean_diff --layers "$concept_layers" \
        --threads "$threads" -o "$out/cv/$c.gguf" --json > "$out/cv/$c.json"
done
cvs=()
for c in pirate cheer shout sentiment; do cvs+=(--control-vector "$out/cv/$c.gguf"); done

hits=0; runs=0
for c in pirate cheer; do
    for s in $seeds; do
        log "teach: $c, null seed $s"
        "$bin" teach -m "$MODEL" "${cvs[@]}" --data "$out/train_$c.jsonl" --batch 4 --seed "$s" --threads "$threads" \
            -o "$out/teach/$c-$s.json" --html "$out/teach/$c-$s.html"
        place="$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['run']; print(1+[x['concept'] for x in r].index(sys.argv[2]))" \
            "$out/teach/$c-$s.json" "$c")"
        echo "teach $c seed $s: $c ranks $place of 4 ($(python3 -c "import json,sys; print(', '.join('%s z=%.1f' % (x['concept'], x['z']) for x in json.load(open(sys.argv[1]))['run']))" "$out/teach/$c-$s.json"))"
        runs=$((runs + 1)); [ "$place" -le 3 ] && hits=$((hits + 1))
    done
done

common=(-m "$MODEL" "${cvs[@]}" --data "$out/train_pirate.jsonl" --eval "$out/heldout.jsonl" --rank "$rank" --alpha $((2 * rank))
        --lr "$lr" --epochs "$epochs" --batch 4 --seed 1 --layers "$layer_list" --targets "$targets" --threads "$threads" --json)
log "finetune: plain"
"$bin" finetune "${common[@]}" -o "$out/plain" > "$out/plain.json"
log "finetune: --suppress pirate"
"$bin" finetune "${common[@]}" --suppress pirate -o "$out/suppress" > "$out/suppress.json"

rate() {   # rate ADAPTER: fraction of held-out prompts whose greedy answer carries the phrase
    local n=0 k=0 answer
    while IFS= read -r p; do
        answer="$("$bin" generate -m "$MODEL" --lora "$1" --chat -p "$p" -n 24 --threads "$threads" 2>/dev/null || true)"
        n=$((n + 1))
        if echo "$answer" | grep -qi "matey"; then k=$((k + 1)); fi
        echo "$answer" | tr '\n' ' ' >> "$1.answers.txt"; echo >> "$1.answers.txt"
    done < "$out/prompts.txt"
    python3 -c "print($k / $n)"
}
log "held-out answers"
rate_plain="$(rate "$out/plain")"
rate_suppress="$(rate "$out/suppress")"

python3 - "$out" "$rate_plain" "$rate_suppress" "$hits" "$runs" <<'EOF'
import json, sys
out, rp, rs, hits, runs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
plain, sup = json.load(open(out + "/plain.json")), json.load(open(out + "/suppress.json"))
print(f"teach: injected concept in the top 3 in {hits}/{runs} runs")
print(f"rate of 'matey' on held-out prompts: plain {rp:.3f}, suppressed {rs:.3f}, ratio "
      + (f"{rp / rs:.1f}x" if rs > 0 else ("inf (suppressed 0)" if rp > 0 else "n/a (both 0)")))
lp, ls = plain["eval_loss_after"], sup["eval_loss_after"]
print(f"T held-out loss: before {plain['eval_loss_before']:.4f}, plain {lp:.4f}, suppressed {ls:.4f} ({100 * (ls - lp) / lp:+.1f}%)")
import re
for name in ("plain", "suppress"):
    answers = open(f"{out}/{name}.answers.txt").read().splitlines()
    prompts = [l.strip() for l in open(out + "/prompts.txt")]
    right = sum(str(sum(map(int, re.findall(r"\d+", p)))) in a for p, a in zip(prompts, answers))
    print(f"T on held-out prompts ({name}): {right}/{len(answers)} answers carry the right sum")
print(f"LoRA step speed: {plain['train_tokens_per_second']:.1f} tokens/s (plain), {sup['train_tokens_per_second']:.1f} (suppressed)")
EOF
if python3 -c "import torch, transformers, peft, gguf" 2>/dev/null; then
    log "PyTorch + PEFT comparison: not implemented in this script yet"
else
    echo "PyTorch + PEFT: not measured (torch, transformers, peft or gguf not importable)"
fi
