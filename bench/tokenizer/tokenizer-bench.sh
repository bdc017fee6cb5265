#!/usr/bin/env bash
# Encode-throughput benchmark for the Tokenizers module against Hugging Face `tokenizers` (baseline,
# same machine, same run). Needs: python3 with `tokenizers` (pip install tokenizers).
#   bench/tokenizer/tokenizer-bench.sh [text-file]    (default: ~1 MB of English gathered from /usr/share)
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRATCH=${SCRATCH:-.build-tok}
JSON=Tests/TokenizersTests/Fixtures/smollm2-tokenizer.json
WORK=$(mktemp -d)
TEXT=${1:-$WORK/english.txt}

if [ -z "${1:-}" ]; then
python3 - "$TEXT" <<'PY'
import glob, gzip, sys
parts, total = [], 0
files = sorted(glob.glob('/usr/share/common-licenses/*')) + sorted(glob.glob('/usr/share/doc/*/changelog*.gz')) \
    + sorted(glob.glob('/usr/share/doc/*/README*'))
for f in files:
    try:
        t = (gzip.open(f).read() if f.endswith('.gz') else open(f, 'rb').read()).decode('utf-8')
    except Exception:
        continue
    parts.append(t); total += len(t.encode())
    if total > 1_100_000:
        break
open(sys.argv[1], 'w').write(''.join(parts).encode()[:1_048_576].decode('utf-8', 'ignore'))
PY
fi

python3 - "$JSON" "$TEXT" "$WORK/ids.json" <<'PY'
import json, sys, time
from tokenizers import Tokenizer
tok = Tokenizer.from_file(sys.argv[1]); tok.encode_special_tokens = True
text = open(sys.argv[2]).read()
t0 = time.perf_counter(); ids = tok.encode(text, add_special_tokens=False).ids; dt = time.perf_counter() - t0
json.dump(ids, open(sys.argv[3], 'w'))
print(f"baseline: HF tokenizers encode {len(text.encode())/1048576:.2f} MB: {dt:.3f} s ({len(ids)} tokens)")
open(sys.argv[3] + '.time', 'w').write(str(dt))
PY

swift build -c release --scratch-path "$SCRATCH" --target Tokenizers 2>&1 | tail -1
swiftc -O -I "$SCRATCH/release/Modules" bench/tokenizer/main.swift \
    "$SCRATCH"/release/Tokenizers.build/*.o -o "$WORK/TokenizerBench"
"$WORK/TokenizerBench" "$JSON" "$TEXT" "$WORK/ids.json" | tee "$WORK/out.txt"
python3 - "$WORK/out.txt" "$WORK/ids.json.time" <<'PY'
import re, sys
ours = float(re.search(r"^encode [\d.]+ MB\s+([\d.]+) s", open(sys.argv[1]).read(), re.M).group(1))
base = float(open(sys.argv[2]).read())
print(f"ratio: Overseer encode / HF tokenizers encode = {ours / base:.2f}")
PY
rm -rf "$WORK"
