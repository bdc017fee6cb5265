#!/usr/bin/env bash
# Produces /work/ref/perplexity/*.log and /work/ref/perplexity.txt
set -euo pipefail
REF=/work/ref; B=$REF/build/bin; M=${OVERSEER_MODEL:-$HOME/.cache/overseer/models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf}
F=$REF/data/GPL-3.txt; T=${T:-1}   # results are bit-identical for 1 and 2 threads; 1 thread copes better with a busy shared machine
mkdir -p $REF/perplexity
for C in ${CTXS:-128 512}; do
    # -b C: one chunk per decode call (n_seq=1). Default -b 2048: 2048/C chunks per call as parallel sequences.
    [ "${SKIP_C128_B128:-0}" = 1 ] && [ $C = 128 ] || $B/llama-perplexity -m $M -f $F -c $C -b $C -t $T > $REF/perplexity/llama-perplexity.c$C.b$C.log 2>&1
    $B/llama-perplexity -m $M -f $F -c $C -t $T > $REF/perplexity/llama-perplexity.c$C.bdefault.log 2>&1
    PYTHONPATH=$REF/src/llama_cpp_python-0.3.36 LLAMA_CPP_LIB_PATH=$B \
        python3 $REF/scripts/ppl_chunks.py $M $F $C $T $REF/perplexity/ppl_chunks.c$C.json 1
done
python3 $REF/scripts/summarize_perplexity.py > $REF/perplexity.txt
cat $REF/perplexity.txt
