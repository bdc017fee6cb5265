#!/usr/bin/env bash
# Produces /work/ref/bench/* and /work/ref/bench.txt. Run on an otherwise idle machine if possible
# (the 2 cores are shared; load average is recorded next to every run).
set -euo pipefail
REF=/work/ref; B=$REF/build/bin; M=${OVERSEER_MODEL:-$HOME/.cache/overseer/models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf}
D=$REF/bench; mkdir -p $D
RUN=${1:-run1}
{
  echo "### $RUN  $(date -u +%FT%TZ)  OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-unset}  load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  # one llama-bench process: json on stdout, markdown on stderr, GNU time -v to its own file
  /usr/bin/time -v -o $D/$RUN.llama-bench.time.txt \
      $B/llama-bench -m $M -p 128 -n 128 -t 1,2 -r 5 -o json -oe md \
      > $D/$RUN.llama-bench.json 2> $D/$RUN.llama-bench.md
  cat $D/$RUN.llama-bench.md
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  grep -E "Maximum resident set size|Elapsed \(wall" $D/$RUN.llama-bench.time.txt
  # peak RSS of a plain generation run (prompt + 64 greedy tokens, llama-simple defaults)
  /usr/bin/time -v -o $D/$RUN.llama-simple.time.txt $B/llama-simple -m $M -n 64 "Once upon a time" \
      > $D/$RUN.llama-simple.out 2> $D/$RUN.llama-simple.err
  echo "llama-simple -n 64 'Once upon a time':"
  grep -E "Maximum resident set size|Elapsed \(wall" $D/$RUN.llama-simple.time.txt
} | tee -a $D/runs.log
