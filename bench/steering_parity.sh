#!/usr/bin/env bash
# Steering parity with llama.cpp (outside CI): the same GGUF model and control vector at the same
# scale, greedy, in `overseer generate --control-vector-scaled FILE S` and in llama.cpp's
# `llama-completion --control-vector-scaled FILE:S`. For each prompt and scale the script compares
# the generated tokens (llama.cpp's text re-tokenized with `overseer tokenize`, no BOS) and, at the
# first divergence, scores both candidate tokens under the steered model with `overseer score`: a
# small log-probability gap is a near-tie, where the two engines' different summation orders may
# pick either token.
#
# Usage: bench/steering_parity.sh [--vector FILE] [--scales LIST] [-n TOKENS] [--out DIR]
#   --vector   a llama.cpp control vector; default: trained here with `overseer steer train` from
#              bench/steering/pairs.jsonl (mean_diff), as bench/steering.sh does
#   --scales   comma-separated (default -1,0.5,1,2)
# Env: OVERSEER_BIN (default .build/release/overseer), MODEL, THREADS (default 2), NEAR_TIE (0.5)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
refuse_in_ci

out="${OUT:-/tmp/overseer-steering-parity}"
vector=""
scales="-1,0.5,1,2"
n=32
while [ $# -gt 0 ]; do
    case "$1" in
        --vector) vector="$2"; shift 2 ;;
        --scales) scales="$2"; shift 2 ;;
        -n) n="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) die "unknown option $1" ;;
    esac
done
bin="${OVERSEER_BIN:-$REPO_ROOT/.build/release/overseer}"
[ -x "$bin" ] || die "no overseer binary at $bin (swift build -c release --product overseer)"
find_overseer() { echo "$bin"; }
ensure_model
threads="${THREADS:-2}"
mkdir -p "$out"
llama_bin="$(ensure_llama_cpp llama-completion)"

if [ -z "$vector" ]; then
    vector="$out/sentiment.gguf"
    log "control vector (mean_diff) from bench/steering/pairs.jsonl"
    "$bin" steer train -m "$MODEL" --pairs "$REPO_ROOT/bench/steering/pairs.jsonl" --method mean_diff \
        --threads "$threads" -o "$vector" --json > "$out/train.json"
fi

python3 - "$bin" "$llama_bin/llama-completion" "$MODEL" "$vector" "$scales" "$n" "$threads" "$out" \
    "$REPO_ROOT/bench/steering/prompts.txt" "${NEAR_TIE:-0.5}" <<'PY'
import json, subprocess, sys

overseer, llama, model, vector, scales, n, threads, out, prompts_file, near_tie = sys.argv[1:]
scales = [float(s) for s in scales.split(",")]
n, near_tie = int(n), float(near_tie)
prompts = [p.strip() for p in open(prompts_file) if p.strip()]
eos = json.loads(subprocess.run([overseer, "inspect", model, "--json"], check=True, capture_output=True,
                                text=True).stdout)["eos"]


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def steer(scale):
    return ["--control-vector-scaled", vector, repr(scale)]


def ours(prompt, scale):
    r = json.loads(run([overseer, "generate", "-m", model, "-p", prompt, "-n", str(n), "--temperature", "0",
                        "--threads", threads, "--json"] + steer(scale)))
    # A run that ended on end-of-sequence gets it appended, as llama.cpp's does below.
    return r["prompt_tokens"], r["generated_tokens"] + ([eos] if r["finish_reason"] == "stop" else [])


def theirs(prompt, scale):
    text = run([llama, "-m", model, "-p", prompt, "-n", str(n), "--temp", "0", "--top-k", "1", "-no-cnv",
                "--no-display-prompt", "--no-warmup", "-t", threads, "--seed", "1", "-c", "512",
                "--control-vector-scaled", f"{vector}:{scale}"])
    # llama.cpp marks a run that ended on end-of-sequence with " [end of text]".
    marker = text.rfind(" [end of text]")
    ended = marker >= 0
    if ended:
        text = text[:marker]
    ids = json.loads(run([overseer, "tokenize", "-m", model, "--text", text, "--no-bos", "--json"]))["ids"] if text else []
    return ids + ([eos] if ended else []), text


def logprob_last(ids, scale):
    """log P(last token | the tokens before it) under the steered model."""
    r = json.loads(run([overseer, "score", "-m", model, "--tokens", ",".join(map(str, ids)),
                        "--threads", threads, "--json"] + steer(scale)))
    return r["tokens"][-1]["logprob"]


rows = []
for scale in scales:
    for prompt in prompts:
        prompt_ids, a = ours(prompt, scale)
        b, text = theirs(prompt, scale)
        k = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)
        row = {"scale": scale, "prompt": prompt, "overseer": len(a), "llama": len(b), "llama_text": text}
        if k is None:
            # Agreement over the shorter run; llama.cpp's text re-tokenized may merge the last token.
            row["agree"] = min(len(a), len(b))
            row["identical"] = a == b
        else:
            row["agree"] = k
            gap = logprob_last(prompt_ids + a[:k + 1], scale) - logprob_last(prompt_ids + b[:k + 1], scale)
            row["gap"] = gap
            row["near_tie"] = abs(gap) < near_tie
        rows.append(row)
        mark = "same" if k is None else f"diverge at {k}, gap {row['gap']:.3f}" + (" (near-tie)" if row["near_tie"] else "")
        print(f"scale {scale:+5.2f}  {prompt[:48]!r:52} {mark}", flush=True)

json.dump(rows, open(f"{out}/parity.json", "w"), indent=1)
same = sum(1 for r in rows if "gap" not in r)
ties = sum(1 for r in rows if r.get("near_tie"))
print(f"\n{same}/{len(rows)} runs agree token for token over {n} tokens; "
      f"{ties} of the {len(rows) - same} divergences are near-ties (|Δ log p| < {near_tie}); "
      f"table: {out}/parity.json")
PY
