#!/usr/bin/env bash
# What S costs while model A decodes, and how Overseer with S compares with llama.cpp without
# any supervision (outside CI).
#
# The supervisor: one linear probe on hook_resid_post of every layer (30 probes, trained on
# builtin:harm chat prompts), one rule over all of them judging every generated token, sync mode,
# receipts written to SQLite (WAL, synchronous=FULL). Two thresholds:
#   quiet  the rule never fires (threshold 1.5 on a sigmoid): one summary receipt per run
#   storm  the rule fires on most generated tokens (threshold calibrated on prompts): a receipt
#          per token — the worst case
# For each thread count: llama-bench (tg128, no supervision), then `overseer bench --supervisor`,
# which times decode with and without S alternately in one process and prints both and their
# paired ratios (wall clock and CPU time). With valgrind installed, `--instructions` also counts
# instructions (callgrind) of one supervised and one plain 128-token decode: a figure a noisy
# shared machine cannot disturb.
#
# Usage: bench/supervisor.sh [-t 1,2] [-r 21] [--instructions] [--out DIR]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
refuse_in_ci

threads="1,2"; reps=21; instructions=0
out="${OUT:-/tmp/overseer-supervisor}"
while [ $# -gt 0 ]; do
    case "$1" in
        -t) threads="$2"; shift 2 ;;
        -r) reps="$2"; shift 2 ;;
        --instructions) instructions=1; shift ;;
        --out) out="$2"; shift 2 ;;
        *) die "unknown option $1" ;;
    esac
done
bin="${OVERSEER_BIN:-$REPO_ROOT/.build/release/overseer}"
[ -x "$bin" ] || die "no overseer binary at $bin (swift build -c release)"
model="$("$bin" models fetch smollm2)"
mkdir -p "$out"

"$bin" collect -m "$model" --data builtin:harm --chat -o "$out/acts" >&2
"$bin" train --acts "$out/acts" --pick all --scope generation --action log --name every-layer \
    --threshold 1.5 -o "$out/quiet.bundle" >&2
"$bin" train --acts "$out/acts" --pick all --scope generation --action log --name every-layer \
    -o "$out/storm.bundle" >&2
llama="$(ensure_llama_cpp llama-bench)"

for t in ${threads//,/ }; do
    log "threads $t: llama-bench tg128 (no supervision)"
    "$llama/llama-bench" -m "$model" -p 0 -n 128 -t "$t" -r 5 -o json > "$out/llama.t$t.json"
    for kind in quiet storm; do
        rm -f "$out/receipts.$kind.t$t.sqlite"
        "$bin" bench -m "$model" --supervisor "$out/$kind.bundle" --receipts "$out/receipts.$kind.t$t.sqlite" \
            --threads "$t" -r "$reps" --json > "$out/overseer.$kind.t$t.json"
    done
    python3 - "$out" "$t" <<'EOF'
import json, statistics, sys
out, t = sys.argv[1:3]
llama = [r for r in json.load(open(f"{out}/llama.t{t}.json")) if r["n_gen"] > 0][0]
l = statistics.median(llama["samples_ts"])
print(f"== threads {t}: llama.cpp decode (no S) {l:.2f} tokens/s")
for kind in ("quiet", "storm"):
    o = json.load(open(f"{out}/overseer.{kind}.t{t}.json"))
    plain, sup = o["decode_tokens_per_s"], o["supervised_decode_tokens_per_s"]
    w, c = o["paired_wall_ratio"]["median"], o["paired_cpu_ratio"]["median"]
    print(f"   {kind}: overseer {plain:.2f}, overseer+S {sup:.2f} tokens/s; S costs {100 * (1 - w):.2f}% "
          f"(paired wall ratio {w:.4f}, CPU {c:.4f}); overseer+S / llama.cpp {sup / l:.3f}x")
EOF
done

if [ "$instructions" = 1 ] && command -v valgrind >/dev/null; then
    # Debug info of the Swift build is more than this valgrind reads: count on a copy without it.
    strip --strip-debug -o "$out/overseer-nodebug" "$bin"
    for kind in quiet storm; do
        rm -f "$out/cg.$kind.sqlite"
        valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.$kind" "$out/overseer-nodebug" bench -m "$model" \
            --supervisor "$out/$kind.bundle" --receipts "$out/cg.$kind.sqlite" --threads 1 -r 1 \
            --prompt-tokens 8 --gen-tokens 128 > /dev/null 2>&1
        callgrind_annotate --inclusive=yes --threshold=100 "$out/callgrind.$kind" 2>/dev/null | python3 -c "
import re, sys
cost = {}
for line in sys.stdin:
    m = re.match(r'\s*([\d,]+) \(.*\)\s+\S*:(\S+)', line)
    if m: cost[m.group(2)] = cost.get(m.group(2), 0) + int(m.group(1).replace(',', ''))
def pick(fragment): return sum(v for k, v in cost.items() if fragment in k)
decode = pick('BenchmarkV6decode5count10attachment')
s = pick('SupervisedRunC7receive_8position') + pick('SupervisedRunC6finish') + pick('SupervisorAAC6attach12promptTokens') \
    + pick('SupervisedRunC5admit5token')
plain = (decode - pick('SupervisedRunC7receive_8position')) / 4   # warm-up and timed: two plain, two supervised
print(f'   instructions ($kind): S {s / 2:,.0f} per 128-token run = {100 * s / 2 / plain:.2f}% of the plain decode ({plain:,.0f})')
"
    done
fi
