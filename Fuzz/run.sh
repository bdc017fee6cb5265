#!/usr/bin/env bash
# Builds the libFuzzer harnesses (Fuzz/Package.swift) and runs each for FUZZ_SECONDS, one at a
# time, starting from the committed seeds in Fuzz/corpus/NAME. Prints the executions per harness;
# crashes, timeouts and out-of-memory inputs go to $FUZZ_OUT/NAME/crashes/, and the exit status is
# non-zero when any harness found one. See docs/fuzzing.md.
#
#   Fuzz/run.sh                                  every harness, 60 s each
#   FUZZ_SECONDS=600 FUZZ_HARNESSES="gguf template" Fuzz/run.sh
set -uo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_OUT=${FUZZ_OUT:-out/fuzz}
FUZZ_HARNESSES=${FUZZ_HARNESSES:-"gguf safetensors tokenizer-json template bundle labeled-data receipts"}
# One input may take at most this long (the template sandbox stops a render after 5 s).
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-30}
FUZZ_RSS_MB=${FUZZ_RSS_MB:-2048}

build=(build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer)
start=$(date +%s)
# Product by product: a plain `swift build` would also link the project's own executable with the
# fuzzer runtime, which fails.
for h in $FUZZ_HARNESSES; do
    $SWIFT "${build[@]}" --product "fuzz-$h" || { echo "fuzz: build of fuzz-$h failed" >&2; exit 2; }
done
echo "fuzz: build took $(( $(date +%s) - start )) s"
bin=$($SWIFT "${build[@]}" --show-bin-path)

# Loaders that take a path get a scratch file per input; keep those writes off the disk.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
# Let libFuzzer handle a crash (it saves the input); Swift's backtracer would take the signal first.
export SWIFT_BACKTRACE=enable=no

failed=0
summary=""
for h in $FUZZ_HARNESSES; do
    dir="$FUZZ_OUT/$h"
    mkdir -p "$dir/corpus" "$dir/crashes"
    log="$dir/fuzz.log"
    begin=$(date +%s)
    "$bin/fuzz-$h" "$dir/corpus" "Fuzz/corpus/$h" \
        -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" -rss_limit_mb="$FUZZ_RSS_MB" \
        -artifact_prefix="$dir/crashes/" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    wall=$(( $(date +%s) - begin ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    crashes=$(find "$dir/crashes" -type f | wc -l)
    status=ok
    if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
        status="FAILED (exit $rc, $crashes inputs in $dir/crashes; log $log)"
        failed=1
        tail -40 "$log" >&2
    fi
    line=$(printf '%-16s %10s execs %6s s  coverage %6s  %s' "$h" "${execs:-?}" "$wall" "${cov:-?}" "$status")
    echo "fuzz: $line"
    summary+="$line"$'\n'
done
echo
echo "fuzz summary (FUZZ_SECONDS=$FUZZ_SECONDS):"
printf '%s' "$summary"
exit $failed
