#!/usr/bin/env bash
# Sparse-autoencoder benchmarks on SmolLM2 (outside CI), on one middle layer's hook_resid_post:
#
#   1. text: everyday instructions (harmless_train), statements (truth sets), GPL-3 paragraphs,
#      95% to train on and 5% held out by text hash; plus the instructions as chat prompts so the
#      SAE also sees the chat template's positions the harm probes read.
#   2. collect (positions all, first position skipped), sae train (TopK, 4096 latents, k 32),
#      sae eval on the held-out text (explained variance, L0, dead latents, loss recovered).
#   3. compare-probes: harmful vs harmless (train split → test split, shifted: builtin:harm) and
#      truth (80% of cities → held-out cities; shifted: sp_en_trans, larger_than, companies).
#   4. a one-feature bundle (Q8_0 encoder) and `overseer bench --supervisor` with it: decode
#      tokens/s with and without S in the same run.
#
# Usage: bench/sae.sh [--out DIR] [--layer L]
# Env:   OVERSEER_BIN, SHARED_DATA, THREADS (default 2).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
refuse_in_ci

out="${OUT:-/tmp/overseer-sae}"
layer=15
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        --layer) layer="$2"; shift 2 ;;
        *) die "unknown option $1" ;;
    esac
done
bin="${OVERSEER_BIN:-$REPO_ROOT/.build/release/overseer}"
[ -x "$bin" ] || die "no overseer binary at $bin (swift build -c release)"
data="${SHARED_DATA:-$REPO_ROOT/../shared/data}"
[ -d "$data" ] || die "no shared data at $data"
threads="${THREADS:-2}"
tap="blocks.$layer.hook_resid_post"
mkdir -p "$out"

log "writing the text sets"
python3 - "$data" "$REPO_ROOT/bench/data/GPL-3.txt" "$out" <<'EOF'
import csv, hashlib, json, random, sys
data, gpl, out = sys.argv[1:4]
held = lambda t: hashlib.sha256(t.encode()).digest()[0] < 13          # 5%
texts = [r["instruction"] for r in json.load(open(f"{data}/harmful-requests/harmless_train.json"))]
for f in ["cities", "neg_cities", "common_claim_true_false", "larger_than", "smaller_than", "sp_en_trans", "neg_sp_en_trans"]:
    texts += [r["statement"] for r in csv.DictReader(open(f"{data}/truth/{f}.csv"))]
texts += [p.strip() for p in open(gpl).read().split("\n\n") if len(p.strip()) > 40]
def write(name, rows):
    with open(f"{out}/{name}", "w") as f:
        for t, y in rows: f.write(json.dumps({"text": t, "label": y}) + "\n")
    print(name, len(rows))
write("text-train.jsonl", [(t, 0) for t in texts if not held(t)])
write("text-heldout.jsonl", [(t, 0) for t in texts if held(t)])
rng = random.Random(4)
instructions = [r["instruction"] for r in json.load(open(f"{data}/harmful-requests/harmless_train.json"))]
write("chat-train.jsonl", [(t, 0) for t in rng.sample(instructions, 3000) if not held(t)])
# Probe data: harmful vs harmless (harmless sampled), truth (cities split 80/20 by hash).
H = f"{data}/harmful-requests"
harmless_train = random.Random(1).sample(json.load(open(f"{H}/harmless_train.json")), 1000)
harmless_test = random.Random(3).sample(json.load(open(f"{H}/harmless_test.json")), 1000)
write("harm-train.jsonl", [(r["instruction"], 1) for r in json.load(open(f"{H}/harmful_train.json"))]
                          + [(r["instruction"], 0) for r in harmless_train])
write("harm-test.jsonl", [(r["instruction"], 1) for r in json.load(open(f"{H}/harmful_test.json"))]
                         + [(r["instruction"], 0) for r in harmless_test])
cities = list(csv.DictReader(open(f"{data}/truth/cities.csv")))
split = lambda r: hashlib.sha256(("test-split:" + r["statement"]).encode()).digest()[0] < 51
write("cities-fit.jsonl", [(r["statement"], int(r["label"])) for r in cities if not split(r)])
write("cities-test.jsonl", [(r["statement"], int(r["label"])) for r in cities if split(r)])
for f in ["sp_en_trans", "larger_than", "companies_true_false"]:
    write(f"{f}.jsonl", [(r["statement"], int(r["label"])) for r in csv.DictReader(open(f"{data}/truth/{f}.csv"))])
EOF

c="--taps $tap --positions all --threads $threads"
"$bin" collect -m smollm2 --data "$out/text-train.jsonl" $c --skip-first 1 -o "$out/acts-text"
"$bin" collect -m smollm2 --data "$out/chat-train.jsonl" $c --chat --skip-first 20 -o "$out/acts-chat"
"$bin" collect -m smollm2 --data "$out/text-heldout.jsonl" $c --skip-first 1 -o "$out/acts-heldout"

"$bin" sae train --acts "$out/acts-text" --acts "$out/acts-chat" --val-acts "$out/acts-heldout" \
    --latents 4096 --k 32 --epochs 10 --batch 1024 --threads "$threads" -o "$out/sae" --json | tee "$out/sae-train.json"
"$bin" sae eval --sae "$out/sae" -m smollm2 --data "$out/text-heldout.jsonl" --loss-texts 300 \
    --threads "$threads" --json | tee "$out/sae-eval.json"

"$bin" compare-probes -m smollm2 --train "$out/harm-train.jsonl" --test "$out/harm-test.jsonl" --shifted builtin:harm \
    --chat --sae "$out/sae" --layer "$layer" --threads "$threads" | tee "$out/compare-harm.md"
"$bin" compare-probes -m smollm2 --train "$out/cities-fit.jsonl" --test "$out/cities-test.jsonl" \
    --shifted "$out/sp_en_trans.jsonl" --shifted "$out/larger_than.jsonl" --shifted "$out/companies_true_false.jsonl" \
    --sae "$out/sae" --layer "$layer" --threads "$threads" | tee "$out/compare-truth.md"

"$bin" sae features --sae "$out/sae" -m smollm2 --data "$out/harm-test.jsonl" --chat --skip-first 20 --features 10 \
    -o "$out/harm-features.html" --threads "$threads" > "$out/harm-features.txt"
"$bin" sae bundle --sae "$out/sae" -m smollm2 --data "$out/harm-train.jsonl" --chat --precision q8_0 \
    --action log --scope generation --name sae-harm -o "$out/sae-harm.bundle" --threads "$threads"
"$bin" bench -m smollm2 --supervisor "$out/sae-harm.bundle" --receipts "$out/bench-receipts.sqlite" \
    --threads "$threads" -r 5 | tee "$out/bench.txt"
