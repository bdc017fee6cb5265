#!/usr/bin/env bash
# Gradients study on the default model (outside CI): does `teach` see an unwanted lesson, and
# does `finetune --suppress` keep the model from learning it while it learns the task?
#
# The data (written by bench/gradients/make_data.py, seeded): task T is addition in words
# ("What is 12 plus 22?" → "12 plus 22 is 34."); each training answer also carries an unwanted
# concept C. Four injected concepts: pirate ("Arr, matey!"), cheer ("Have a wonderful day!"),
# apology ("Sorry for any confusion.") and shout (the answer in upper case). Data seed s picks
# the 48 training and 24 held-out questions.
#
# Stages ($STAGES, default "teach suppress speed"):
#   directions  (always) a control vector per concept from contrast pairs (`steer train`,
#               mean_diff, layers $CONCEPT_LAYERS): pirate, cheer, apology, weather (a phrase no
#               set carries), shout, sentiment (bench/steering/pairs.jsonl); pirate_varied (pirate
#               speak in varied forms) and pirate_context (the phrase earlier in the text) for the
#               suppression variants.
#   teach       `teach` on the first $TEACH_EXAMPLES examples of each injected set (4 concepts × data
#               seeds $DATA_SEEDS, null seed = data seed) with the six concepts: the injected concept's place by run z; precision
#               (top 1, top 3) over the runs; where (which layer) pirate is most taught.
#   suppress    for each seed s in $FT_SEEDS (data seed = fine-tuning seed = s), `finetune` on the
#               pirate set with each variant in $VARIANTS (same data, seed and options):
#                 plain            no edit
#                 suppress         --suppress pirate (ablated at every concept layer)
#                 suppress_top     --suppress pirate --edit-layers (the $TOP_LAYERS layers where
#                                  teach found pirate most taught, on data seed 1)
#                 suppress_mean    --suppress pirate --suppress-to-mean (the component set to its
#                                  mean over the training data instead of zero)
#                 project          --project pirate
#                 suppress_varied  --suppress pirate_varied (the varied-pairs direction)
#                 completion       --suppress pirate --suppress-positions completion (only from the
#                                  token that predicts the reply on; the prompt's stream untouched)
#                 after_first      --suppress pirate --suppress-positions after-first (every token
#                                  but the first, whose outsized stream is the attention sink)
#                 after_first_top  after_first at the $TOP_LAYERS layers of suppress_top
#                 after_first_context  after_first with the direction of "the phrase is in
#                                  context" (pairs_pirate_context) instead of pirate's
#                 completion_context  --suppress pirate_context --suppress-positions completion
#                 after_first_context_mean  the same as after_first_context, ablated to the mean over every token but
#                                  the first instead of to zero
#                 above            --suppress pirate --suppress-above $ABOVE_SDS (only the excess of
#                                  h·u above its mean + $ABOVE_SDS sd over the training data)
#                 completion_above both
#                 task             --suppress pirate --task-data task_s$s.jsonl --task-directions
#                                  $TASK_DIRECTIONS (the direction orthogonalised against the task's
#                                  principal directions, from questions neither trained nor held out)
#                 completion_task  completion and task
#                 after_first_diffpca  the concept found in the seed's own plain adapter (Concept
#                                  Ablation Fine-Tuning): `concept diff-pca` of ft/plain-s$s against
#                                  the base model on the seed's training set ($DIFFPCA_K principal
#                                  directions per layer of $DIFFPCA_LAYERS, differences at
#                                  $DIFFPCA_POSITIONS tokens), then --suppress of all of them at
#                                  every token but the first; needs the plain variant of that seed
#                                  (run it first or in the same VARIANTS). after_first_diffpca_kN:
#                                  the same with N directions per layer
#                 after_first_diffpca_mean[_kN]  the same, ablated to the mean of h·u over the
#                                  training data's tokens but the first (under the base model)
#                                  instead of to zero
#                 after_first_diffpca_excl[_kN]  the same, ablated to zero, with directions computed
#                                  after removing the plain adapter's own top $EXCLUDE_K difference
#                                  directions on task_s$s.jsonl (the task alone, without the phrase):
#                                  what the adapter changed besides the task; _excl combines with
#                                  _mean or _task (after_first_diffpca_excl_mean_k4)
#                 after_first_diffpca_task[_kN]  the same, ablated to zero, with the directions first
#                                  orthogonalised against the task's $TASK_DIRECTIONS principal
#                                  directions (--task-data, as the task variant)
#                 VARIANT_rN       any of these with LoRA rank N (alpha 2N) instead of $RANK
#               then, per adapter: the rate of "matey" (and of "Arr", the phrase's start) in greedy
#               answers to the 24 held-out prompts (`generate --lora`) and to 24 other questions, how many answers carry the right sum, and T's held-out
#               loss (`finetune --lora DIR --eval --eval-only`): mean −log p over the held-out
#               answers' own tokens ("12 plus 22 is 34."), without the end-of-turn marks
#               ("score_end_of_turn": false; a model that learned C predicts " Arr" there, which
#               is C, not T).
#   speed       tokens/s of a LoRA training step, overseer against PyTorch + PEFT on CPU on the
#               same model (the GGUF dequantized), data, LoRA options and threads, measured in
#               this run (bench/gradients/torch_lora.py; needs torch, transformers, peft, gguf —
#               give a Python that has them in $TORCH_PYTHON; nothing here or in CI installs them).
#
# Usage: bench/gradients.sh [--out DIR]
# Env:   OVERSEER_BIN (default .build/release/overseer), MODEL, THREADS (default 2), STAGES,
#        DATA_SEEDS ("1 2 3"), FT_SEEDS ("1 2 3"), VARIANTS ("plain suppress suppress_top suppress_mean project"),
#        TOP_LAYERS (2), TEACH_EXAMPLES (24), EPOCHS (2), LR (2e-3), RANK (8), TARGETS (q,v,o,down), LORA_LAYERS (8-20),
#        CONCEPT_LAYERS (8-16), SPEED_STEPS (3), TORCH_PYTHON (python3), ABOVE_SDS (2), TASK_DIRECTIONS (8),
#        DIFFPCA_K (4), DIFFPCA_LAYERS ($CONCEPT_LAYERS), DIFFPCA_POSITIONS (completion), EXCLUDE_K (4).
# Results are kept per variant name and seed (ft/VARIANT-sS.*): a rerun skips what exists, so a
# changed option (CONCEPT_LAYERS, DIFFPCA_LAYERS, ...) needs another --out.
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
stages="${STAGES:-teach suppress speed}"
data_seeds="${DATA_SEEDS:-1 2 3}"
ft_seeds="${FT_SEEDS:-1 2 3}"
variants="${VARIANTS:-plain suppress suppress_top suppress_mean project}"
top_layers="${TOP_LAYERS:-2}"
teach_examples="${TEACH_EXAMPLES:-24}"
epochs="${EPOCHS:-2}"
lr="${LR:-2e-3}"
rank="${RANK:-8}"
targets="${TARGETS:-q,v,o,down}"
lora_layers="${LORA_LAYERS:-8-20}"
concept_layers="${CONCEPT_LAYERS:-8-16}"
torch_python="${TORCH_PYTHON:-python3}"
layer_list="$(python3 -c "a,b='$lora_layers'.split('-'); print(','.join(str(i) for i in range(int(a), int(b)+1)))")"
has_stage() { case " $stages " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
mkdir -p "$out"/cv "$out"/teach "$out"/ft

log "data in $out"
# Written once per set of seeds (a stamp), so runs of this script side by side on one folder
# (e.g. several VARIANTS at once) never read a file another is rewriting.
all_seeds="$(echo "$data_seeds $ft_seeds" | tr ' ' '\n' | sort -un | tr '\n' ' ')"
stamp="$out/.data-$(echo "$all_seeds" | tr -d ' ')-$(cksum < "$BENCH_ROOT/gradients/make_data.py" | cut -d' ' -f1)"
if [ ! -f "$stamp" ]; then
    # shellcheck disable=SC2086
    python3 "$BENCH_ROOT/gradients/make_data.py" "$out" $all_seeds
    touch "$stamp"
fi
cp "$BENCH_ROOT/steering/pairs.jsonl" "$out/pairs_sentiment.jsonl"

concepts=(pirate cheer apology weather shout sentiment)
for c in "${concepts[@]}" pirate_varied pirate_context; do
    [ -f "$out/cv/$c.gguf" ] && continue
    log "control vector: $c"
    "$bin" steer train -m "$MODEL" --pairs "$out/pairs_$c.jsonl" --method mean_diff --layers "$concept_layers" \
        --threads "$threads" -o "$out/cv/$c.gguf" --json > "$out/cv/$c.json"
done
cvs=()
for c in "${concepts[@]}"; do cvs+=(--control-vector "$out/cv/$c.gguf"); done

if has_stage teach; then
    for s in $data_seeds; do
        for c in pirate cheer apology shout; do
            f="$out/teach/$c-s$s.json"
            if [ ! -f "$f" ]; then
                log "teach: $c, data seed $s"
                head -n "$teach_examples" "$out/train_${c}_s$s.jsonl" > "$out/teach/data_${c}_s$s.jsonl"
                "$bin" teach -m "$MODEL" "${cvs[@]}" --data "$out/teach/data_${c}_s$s.jsonl" --batch 4 --seed "$s" \
                    --threads "$threads" -o "$f.tmp" --html "$out/teach/$c-s$s.html" 2>/dev/null
                mv "$f.tmp" "$f"
            fi
        done
    done
    python3 - "$out" "$data_seeds" <<'EOF'
import json, sys
out, seeds = sys.argv[1], sys.argv[2].split()
top1 = top3 = runs = 0
print("teach: the injected concept's place among 6 by run z (z of the first three)")
print("| injected | " + " | ".join(f"data seed {s}" for s in seeds) + " |")
print("|---|" + "---|" * len(seeds))
for c in ["pirate", "cheer", "apology", "shout"]:
    cells = []
    for s in seeds:
        run = json.load(open(f"{out}/teach/{c}-s{s}.json"))["run"]
        place = 1 + [x["concept"] for x in run].index(c)
        runs += 1; top1 += place == 1; top3 += place <= 3
        cells.append(f"{place} ({', '.join('%s %.1f' % (x['concept'], x['z']) for x in run[:3])})")
    print(f"| {c} | " + " | ".join(cells) + " |")
print(f"teach precision: injected concept first in {top1}/{runs} runs, in the top 3 in {top3}/{runs}")
EOF
fi

# The layers where pirate is most taught: the control vector's layers ranked by the run score of
# each tap (teach's per-tap scores), on data seed 1.
top_pirate_layers() {
    local f="$out/teach/pirate-s1.json"
    if [ ! -f "$f" ]; then
        head -n "$teach_examples" "$out/train_pirate_s1.jsonl" > "$out/teach/data_pirate_s1.jsonl"
        "$bin" teach -m "$MODEL" "${cvs[@]}" --data "$out/teach/data_pirate_s1.jsonl" --batch 4 --seed 1 \
            --threads "$threads" -o "$f" 2>/dev/null
    fi
    python3 -c "
import json, sys
run = json.load(open(sys.argv[1]))['run']
taps = next(x for x in run if x['concept'] == 'pirate')['taps']
best = sorted(taps, key=lambda t: -t['z'])[:int(sys.argv[2])]
print(','.join(str(int(t['point'].split('.')[1])) for t in best))" "$f" "$top_layers"
}

# diffpca_concept SEED K [excl]: the concept file of the top K principal directions of how seed
# SEED's plain adapter moves the stream (computed once per seed, K, layers and positions); with
# "excl", outside its own top $EXCLUDE_K difference directions on the task-only set task_sSEED.jsonl.
diffpca_concept() {
    local layers="${DIFFPCA_LAYERS:-$concept_layers}" positions="${DIFFPCA_POSITIONS:-completion}" excl=()
    local f="$out/concepts/diffpca_k$2_${positions}_L${layers}_s$1.safetensors"
    if [ "${3:-}" = excl ]; then
        excl=(--exclude-data "$out/task_s$1.jsonl" --exclude-k "${EXCLUDE_K:-4}")
        f="$out/concepts/diffpca_k$2_${positions}_L${layers}_excl${EXCLUDE_K:-4}_s$1.safetensors"
    fi
    [ -d "$out/ft/plain-s$1" ] || die "after_first_diffpca needs the plain adapter of seed $1 (add plain to VARIANTS)"
    if [ ! -f "$f" ]; then
        mkdir -p "$out/concepts"
        "$bin" concept diff-pca -m "$MODEL" --lora "$out/ft/plain-s$1" --data "$out/train_pirate_s$1.jsonl" --layers "$layers" \
            --k "$2" --positions "$positions" "${excl[@]}" --name pirate_diffpca --threads "$threads" -o "$f.tmp" --json > "${f%.safetensors}.json" \
            2> "${f%.safetensors}.log"
        mv "$f.tmp" "$f"
    fi
    echo "$f"
}

rate() {   # rate ADAPTER PROMPTS [NAME TOKENS]: "k n right" — answers with the phrase, prompts, answers
           # with the right sum; the answers (at most TOKENS, default 24) go to ADAPTER.NAME.txt
    local n=0 k=0 right=0 answer sum log="$1.${3:-answers}.txt" tokens="${4:-24}"
    : > "$log"
    while IFS= read -r p; do
        answer="$("$bin" generate -m "$MODEL" --lora "$1" --chat -p "$p" -n "$tokens" --threads "$threads" 2>/dev/null || true)"
        n=$((n + 1))
        if echo "$answer" | grep -qi "matey"; then k=$((k + 1)); fi
        sum="$(python3 -c "import re,sys; print(sum(map(int, re.findall(r'\d+', sys.argv[1]))))" "$p")"
        if echo "$answer" | grep -qw "$sum"; then right=$((right + 1)); fi
        echo "$answer" | tr '\n' ' ' >> "$log"; echo >> "$log"
    done < "$2"
    echo "$k $n $right"
}

t_loss() {   # t_loss HELDOUT OUT [--lora DIR]: T's held-out loss (JSON) of the base model or an adapter
    "$bin" finetune -m "$MODEL" "${@:3}" --eval "$1" --eval-only --threads "$threads" --json > "$2" 2>/dev/null
}

if has_stage suppress; then
    for s in $ft_seeds; do
        for v in $variants; do
            dir="$out/ft/$v-s$s"
            if [ -f "$dir.result" ]; then
                [ -f "$dir.eval.json" ] || t_loss "$out/heldout_s$s.jsonl" "$dir.eval.json" --lora "$dir"
                [ -f "$dir.other" ] || rate "$dir" "$out/prompts_other.txt" other 48 > "$dir.other"
                continue
            fi
            extra=(); edit_cvs=("${cvs[@]}"); vr="$rank"; base="$v"
            if [[ "$v" =~ ^(.*)_r([0-9]+)$ ]]; then base="${BASH_REMATCH[1]}"; vr="${BASH_REMATCH[2]}"; fi
            task=(--task-data "$out/task_s$s.jsonl" --task-directions "${TASK_DIRECTIONS:-8}")
            case "$base" in
                plain) ;;
                suppress) extra=(--suppress pirate) ;;
                suppress_top) extra=(--suppress pirate --edit-layers "$(top_pirate_layers)") ;;
                suppress_mean) extra=(--suppress pirate --suppress-to-mean) ;;
                project) extra=(--project pirate) ;;
                suppress_varied) edit_cvs+=(--control-vector "$out/cv/pirate_varied.gguf"); extra=(--suppress pirate_varied) ;;
                completion) extra=(--suppress pirate --suppress-positions completion) ;;
                after_first) extra=(--suppress pirate --suppress-positions after-first) ;;
                after_first_context) edit_cvs+=(--control-vector "$out/cv/pirate_context.gguf")
                                     extra=(--suppress pirate_context --suppress-positions after-first) ;;
                after_first_context_mean) edit_cvs+=(--control-vector "$out/cv/pirate_context.gguf")
                                     extra=(--suppress pirate_context --suppress-positions after-first --suppress-to-mean) ;;
                completion_context) edit_cvs+=(--control-vector "$out/cv/pirate_context.gguf")
                                    extra=(--suppress pirate_context --suppress-positions completion) ;;
                after_first_top) extra=(--suppress pirate --suppress-positions after-first --edit-layers "$(top_pirate_layers)") ;;
                above) extra=(--suppress pirate --suppress-above "${ABOVE_SDS:-2}") ;;
                completion_above) extra=(--suppress pirate --suppress-positions completion --suppress-above "${ABOVE_SDS:-2}") ;;
                task) extra=(--suppress pirate "${task[@]}") ;;
                completion_task) extra=(--suppress pirate --suppress-positions completion "${task[@]}") ;;
                after_first_diffpca*)   # after_first_diffpca[_excl][_mean|_task][_kN]
                    k="${DIFFPCA_K:-4}"
                    [[ "$base" =~ _k([0-9]+)$ ]] && k="${BASH_REMATCH[1]}"
                    [[ "$base" =~ ^after_first_diffpca(_excl)?(_mean|_task)?(_k[0-9]+)?$ ]] || die "unknown variant $v"
                    log "difference directions: seed $s, k $k"
                    concept_file="$(diffpca_concept "$s" "$k" "$([[ "$base" == *_excl* ]] && echo excl)")"
                    edit_cvs+=(--concept "$concept_file")
                    extra=(--suppress pirate_diffpca --suppress-positions after-first)
                    case "$base" in
                        *_mean*) extra+=(--suppress-to-mean) ;;
                        *_task*) extra+=("${task[@]}") ;;
                    esac ;;
                *) die "unknown variant $v" ;;
            esac
            log "finetune: $v, seed $s ${extra[*]}"
            "$bin" finetune -m "$MODEL" "${edit_cvs[@]}" --data "$out/train_pirate_s$s.jsonl" --eval "$out/heldout_s$s.jsonl" \
                --rank "$vr" --alpha $((2 * vr)) --lr "$lr" --epochs "$epochs" --batch 4 --seed "$s" --eval-with-edits \
                --layers "$layer_list" --targets "$targets" --threads "$threads" --json "${extra[@]}" -o "$dir" \
                > "$dir.json" 2>"$dir.log"
            t_loss "$out/heldout_s$s.jsonl" "$dir.eval.json" --lora "$dir"
            log "held-out answers: $v, seed $s"
            echo "$(rate "$dir" "$out/prompts_s$s.txt") ${extra[*]}" > "$dir.result"
            log "other questions: $v, seed $s"
            rate "$dir" "$out/prompts_other.txt" other 48 > "$dir.other"
        done
        [ -f "$out/ft/base-s$s.eval.json" ] || t_loss "$out/heldout_s$s.jsonl" "$out/ft/base-s$s.eval.json"
    done
    python3 - "$out" "$ft_seeds" "$variants" <<'EOF'
import json, sys
out, seeds, variants = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
print("suppression: per seed, rate of 'matey' in 24 held-out answers, answers with the right sum, T's held-out loss "
      "(mean -log p per token of the held-out answers without the end-of-turn marks; base model → adapter)")
print("| variant | seed | matey | matey on other questions | Arr (addition, other) | right sums | T loss (before → after) | vs plain | T loss with the edits | tokens/s |")
print("|---|---|---|---|---|---|---|---|---|---|")
import os
res = {}
for v in variants:
    for s in seeds:
        if not os.path.exists(f"{out}/ft/{v}-s{s}.result"):
            continue
        k, n, right, *edit = open(f"{out}/ft/{v}-s{s}.result").read().split()
        j = json.load(open(f"{out}/ft/{v}-s{s}.json"))
        before = json.load(open(f"{out}/ft/base-s{s}.eval.json"))["eval_loss_before"]
        after = json.load(open(f"{out}/ft/{v}-s{s}.eval.json"))["eval_loss_before"]
        other = f"{out}/ft/{v}-s{s}.other"
        ko = open(other).read().split()[:2] if os.path.exists(other) else None
        # "Arr" anywhere in an answer: the phrase's start, which a model can keep while dropping "matey".
        def arr(name):
            f = f"{out}/ft/{v}-s{s}.{name}.txt"
            if not os.path.exists(f): return "-"
            lines = open(f).read().splitlines()
            return f"{sum('Arr' in l for l in lines)}/{len(lines)}"
        res[v, s] = (int(k), int(n), int(right), before, after, j["train_tokens_per_second"], " ".join(edit),
                     j.get("eval_loss_after_with_edits"), "/".join(ko) if ko else "-", f"{arr('answers')}, {arr('other')}")
for v in variants:
    for s in seeds:
        if (v, s) not in res:
            continue
        k, n, right, lb, la, tps, edit, le, ko, arrs = res[v, s]
        lp = res["plain", s][4] if ("plain", s) in res else None
        rel = f"{100 * (la - lp) / lp:+.1f}%" if lp else "-"
        with_edits = f"{le:.4f}" if le is not None and edit else "-"
        print(f"| {v} {edit} | {s} | {k}/{n} | {ko} | {arrs} | {right}/{n} | {lb:.4f} → {la:.4f} | {rel} | {with_edits} | {tps:.1f} |")
if "plain" in variants:
    for v in variants:
        ss = [s for s in seeds if (v, s) in res and ("plain", s) in res]
        if v == "plain" or not ss: continue
        kp = sum(res["plain", s][0] for s in ss); kv = sum(res[v, s][0] for s in ss)
        n = sum(res[v, s][1] for s in ss)
        ratio = f"{kp / kv:.1f}x" if kv else (f"≥ {kp}x (suppressed 0)" if kp else "n/a")
        within = sum(abs(res[v, s][4] - res["plain", s][4]) <= 0.05 * res["plain", s][4] for s in ss)
        changes = ", ".join("%+.1f%%" % (100 * (res[v, s][4] - res["plain", s][4]) / res["plain", s][4]) for s in ss)
        right_plain = sum(res["plain", s][2] for s in ss); right_v = sum(res[v, s][2] for s in ss)
        # "T within 5%": not more than 5% above plain's loss (a lower loss is no loss on the task).
        not_worse = sum(res[v, s][4] <= 1.05 * res["plain", s][4] for s in ss)
        others = [(res["plain", s][8], res[v, s][8]) for s in ss if res["plain", s][8] != "-" and res[v, s][8] != "-"]
        op = sum(int(a.split("/")[0]) for a, _ in others); ov = sum(int(b.split("/")[0]) for _, b in others)
        on = sum(int(b.split("/")[1]) for _, b in others)
        other = (f"; on other questions {op}/{on} plain → {ov}/{on} ("
                 + (f"{op / ov:.1f}x" if ov else f"≥ {op}x") + ")") if others else ""
        print(f"{v}: matey {kp}/{n} plain → {kv}/{n} ({ratio}){other}; T loss within ±5% of plain in {within}/{len(ss)} seeds, "
              f"not more than 5% above in {not_worse} ({changes}); right sums {right_plain}/{n} plain → {right_v}/{n}")
EOF
fi

if has_stage speed; then
    if "$torch_python" -c "import torch, transformers, peft, gguf" 2>/dev/null; then
        log "speed: overseer and PyTorch + PEFT, ${SPEED_STEPS:-3} steps each (the first left out of the rate)"
        echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
        "$bin" finetune -m "$MODEL" --data "$out/train_pirate_s1.jsonl" --rank "$rank" --alpha $((2 * rank)) --lr "$lr" \
            --epochs 1 --batch 4 --seed 1 --layers "$layer_list" --targets "$targets" --threads "$threads" \
            --max-steps "${SPEED_STEPS:-3}" --json -o "$out/speed-adapter" > "$out/speed-overseer.json" 2>/dev/null
        "$torch_python" "$BENCH_ROOT/gradients/torch_lora.py" --gguf "$MODEL" --data "$out/train_pirate_s1.jsonl" \
            --rank "$rank" --alpha $((2 * rank)) --lr "$lr" --batch 4 --seed 1 --layers "$layer_list" --targets "$targets" \
            --threads "$threads" --steps "${SPEED_STEPS:-3}" > "$out/speed-torch.json" 2> "$out/speed-torch.log"
        echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
        python3 - "$out" <<'EOF'
import json, sys
out = sys.argv[1]
o, t = json.load(open(out + "/speed-overseer.json")), json.load(open(out + "/speed-torch.json"))
steps = o["steps"][1:] if len(o["steps"]) > 1 else o["steps"]   # the first step of each is left out, as in torch_lora.py
ot = sum(s["tokens"] for s in steps) / sum(s["seconds"] for s in steps)
print(f"LoRA step speed: overseer {ot:.1f} tokens/s, PyTorch {t['torch_version']} + PEFT {t['peft_version']} "
      f"{t['tokens_per_second']:.1f} tokens/s ({t['threads']} threads; ratio overseer/PyTorch {ot / t['tokens_per_second']:.2f})")
EOF
    else
        echo "PyTorch + PEFT: not measured ($torch_python cannot import torch, transformers, peft and gguf; set TORCH_PYTHON)"
    fi
fi
