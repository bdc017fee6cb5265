#!/usr/bin/env bash
# Detector benchmarks on the public data sets in ../shared/data (outside CI):
#
#   harm   harmful vs harmless instructions: collect train and val splits (the harmless side
#          sampled to a stated size with a fixed seed), fit a logistic probe on every layer's
#          hook_resid_post at the chat prompt's last token, pick the layer and the threshold
#          (1% FPR) on val, then report on test.
#   truth  true vs false statements: fit on 80% of cities (hash split), pick on its val part,
#          report on the held-out 20% of cities and on other truth sets (generalisation).
#
# Usage: bench/detectors.sh [harm|truth|all] [--out DIR]
# Env:   OVERSEER_BIN (default .build/release/overseer), SHARED_DATA (default ../shared/data),
#        HARMLESS_TRAIN/HARMLESS_VAL/HARMLESS_TEST (sample sizes, default 2000/1000/2000),
#        KINDS (default "logistic diffmean"), THREADS (default 2).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
refuse_in_ci

what="${1:-all}"; shift || true
out="${OUT:-/tmp/overseer-detectors}"
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$2"; shift 2 ;;
        *) die "unknown option $1" ;;
    esac
done
bin="${OVERSEER_BIN:-$REPO_ROOT/.build/release/overseer}"
[ -x "$bin" ] || die "no overseer binary at $bin (swift build -c release)"
data="${SHARED_DATA:-$REPO_ROOT/../shared/data}"
[ -d "$data" ] || die "no shared data at $data"
threads="${THREADS:-2}"
kinds="${KINDS:-logistic diffmean}"
mkdir -p "$out"

summary() {  # bundle, data description, eval JSON → one table row
    python3 - "$@" <<'EOF'
import json, sys
name, kind, data, path = sys.argv[1:5]
r = json.load(open(path))
m = r["metrics"]
ci = m.get("auroc_ci95") or {"low": float("nan"), "high": float("nan")}
print(f"| {name} | {kind} | {data} | {r['collection']['taps'][0]} | {m['positives']}/{m['negatives']} | "
      f"{m['auroc']:.4f} [{ci['low']:.3f}, {ci['high']:.3f}] | {m['tpr_at_1pct_fpr']:.3f} | {m['tpr_at_5pct_fpr']:.3f} | "
      f"{m['tpr_at_threshold']:.3f} / {m['fpr_at_threshold']:.3f} |")
EOF
}

header() {
    echo "| task | probe | evaluated on | layer (chosen on val) | pos/neg | AUROC [95% CI] | TPR@1%FPR | TPR@5%FPR | TPR / FPR at the val threshold |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
}

harm() {
    local h="$data/harmful-requests" f="--text-field instruction --chat --threads $threads"
    local ntr="${HARMLESS_TRAIN:-2000}" nva="${HARMLESS_VAL:-1000}" nte="${HARMLESS_TEST:-2000}"
    log "harm: collecting train (harmful 260, harmless sampled to $ntr) and val (39, $nva)"
    "$bin" collect -m smollm2 $f --positive "$h/harmful_train.json" --negative "$h/harmless_train.json" \
        --limit "$ntr" --sample-seed 1 -o "$out/harm-train"
    "$bin" collect -m smollm2 $f --positive "$h/harmful_val.json" --negative "$h/harmless_val.json" \
        --limit "$nva" --sample-seed 2 -o "$out/harm-val"
    for kind in $kinds; do
        "$bin" train --acts "$out/harm-train" --val-acts "$out/harm-val" --kind "$kind" --target-fpr 0.01 \
            --scope request --name harm -o "$out/harm-$kind.bundle" --plot "$out/harm-$kind-layers.svg" \
            --json > "$out/harm-$kind-train.json"
        "$bin" eval --bundle "$out/harm-$kind.bundle" -m smollm2 --text-field instruction --threads "$threads" \
            --positive "$h/harmful_test.json" --negative "$h/harmless_test.json" --limit "$nte" --sample-seed 3 \
            --plot "$out/harm-$kind-test-roc.svg" --json > "$out/harm-$kind-test.json"
    done
    # The bundle the project trains on its own built-in data, on the public test split.
    "$bin" collect -m smollm2 --data builtin:harm --chat --threads "$threads" -o "$out/builtin-harm"
    "$bin" train --acts "$out/builtin-harm" --target-fpr 0.01 --scope request --name harm \
        -o "$out/builtin-harm.bundle" --json > "$out/builtin-harm-train.json"
    "$bin" eval --bundle "$out/builtin-harm.bundle" -m smollm2 --text-field instruction --threads "$threads" \
        --positive "$h/harmful_test.json" --negative "$h/harmless_test.json" --limit "$nte" --sample-seed 3 \
        --json > "$out/builtin-harm-test.json"
    {
        header
        for kind in $kinds; do summary harm "$kind" "harmful_test 572 / harmless_test $nte" "$out/harm-$kind-test.json"; done
        summary harm "logistic, built-in data" "harmful_test 572 / harmless_test $nte" "$out/builtin-harm-test.json"
    } | tee "$out/harm-table.md"
}

truth() {
    local t="$data/truth"
    log "truth: splitting cities 80/20 by text hash"
    python3 - "$t/cities.csv" "$out" <<'EOF'
import csv, hashlib, sys
src, out = sys.argv[1:3]
rows = list(csv.DictReader(open(src)))
fit = [r for r in rows if hashlib.sha256(("test-split:" + r["statement"]).encode()).digest()[0] >= 51]
test = [r for r in rows if r not in fit]
for name, part in (("cities-fit.csv", fit), ("cities-test.csv", test)):
    with open(f"{out}/{name}", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["statement", "label"], extrasaction="ignore")
        w.writeheader(); w.writerows(part)
print(f"cities: {len(fit)} to fit and choose on, {len(test)} held out")
EOF
    "$bin" collect -m smollm2 --data "$out/cities-fit.csv" --text-field statement --threads "$threads" -o "$out/cities-fit"
    {
        header
        for kind in $kinds; do
            "$bin" train --acts "$out/cities-fit" --kind "$kind" --val-fraction 0.25 --target-fpr 0.05 --name truth \
                --action flag -o "$out/truth-$kind.bundle" --plot "$out/truth-$kind-layers.svg" --json > "$out/truth-$kind-train.json"
            for set in cities-test:"$out/cities-test.csv" neg_cities:"$t/neg_cities.csv" sp_en_trans:"$t/sp_en_trans.csv" \
                       larger_than:"$t/larger_than.csv" companies_true_false:"$t/companies_true_false.csv"; do
                name="${set%%:*}"; file="${set#*:}"
                "$bin" eval --bundle "$out/truth-$kind.bundle" -m smollm2 --data "$file" --text-field statement \
                    --threads "$threads" --json > "$out/truth-$kind-$name.json"
                summary truth "$kind" "$name" "$out/truth-$kind-$name.json"
            done
        done
    } | tee "$out/truth-table.md"
}

case "$what" in
    harm) harm ;;
    truth) truth ;;
    all) harm; truth ;;
    *) die "usage: bench/detectors.sh [harm|truth|all] [--out DIR]" ;;
esac
