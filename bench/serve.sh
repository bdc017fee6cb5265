#!/usr/bin/env bash
# Serving throughput and latency against llama.cpp's llama-server (outside CI), both on loopback,
# the same GGUF, the same thread count and the same requests.
#
# For each client count C (default 1, 4, 8), C clients each send R streamed chat completions one
# after another (greedy, max_tokens T, prompts from bench/steering/prompts.txt in turn) and the
# script records, per request, the time to the first content chunk (TTFT) and the gaps between
# later chunks (ITL). Reported per server and C: completion tokens per second over the wall time,
# TTFT p50/p99, ITL p50/p99, and the ratio Overseer / llama.cpp (tokens/s: higher is better;
# latencies: lower is better). Both servers run one after the other, never at the same time.
#
# Overseer runs `serve --parallel C --batch` (continuous batching) with no supervisor by default
# (SUPERVISOR=harm adds S); llama-server runs with `-np C` slots and continuous batching (its
# default).
#
# Usage: bench/serve.sh [--clients LIST] [--requests R] [--max-tokens T] [--out DIR]
# Env: OVERSEER_BIN (default .build/release/overseer), MODEL, THREADS (default 2), SUPERVISOR.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
refuse_in_ci

clients="1,4,8"
requests=4
max_tokens=64
out="${OUT:-/tmp/overseer-serve-bench}"
while [ $# -gt 0 ]; do
    case "$1" in
        --clients) clients="$2"; shift 2 ;;
        --requests) requests="$2"; shift 2 ;;
        --max-tokens) max_tokens="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) die "unknown option $1" ;;
    esac
done
bin="${OVERSEER_BIN:-$REPO_ROOT/.build/release/overseer}"
[ -x "$bin" ] || die "no overseer binary at $bin (swift build -c release --product overseer)"
find_overseer() { echo "$bin"; }
ensure_model
threads="${THREADS:-2}"
mkdir -p "$out"
llama_bin="$(ensure_llama_cpp llama-server)"
port_overseer=18731
port_llama=18732

server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    server_pid=""
}
trap stop_server EXIT

wait_ready() {  # URL: polls until the server answers, at most 120 s
    for _ in $(seq 1 240); do
        if curl -sf "$1" >/dev/null 2>&1; then return 0; fi
        sleep 0.5
    done
    die "server at $1 did not come up"
}

load() {  # NAME PORT C
    python3 "$REPO_ROOT/bench/serve_load.py" --url "http://127.0.0.1:$2/v1/chat/completions" \
        --clients "$3" --requests "$requests" --max-tokens "$max_tokens" \
        --prompts "$REPO_ROOT/bench/steering/prompts.txt" --name "$1" > "$out/$1.c$3.json"
}

for c in ${clients//,/ }; do
    log "llama-server -np $c"
    "$llama_bin/llama-server" -m "$MODEL" --host 127.0.0.1 --port "$port_llama" -t "$threads" -np "$c" \
        -c $((c * 2048)) --no-webui > "$out/llama-server.c$c.log" 2>&1 &
    server_pid=$!
    wait_ready "http://127.0.0.1:$port_llama/health"
    load llama "$port_llama" "$c"
    stop_server

    log "overseer serve --parallel $c --batch"
    sup=()
    if [ -n "${SUPERVISOR:-}" ]; then sup=(--supervisor "$SUPERVISOR"); fi
    "$bin" serve -m "$MODEL" --host 127.0.0.1 --port "$port_overseer" --threads "$threads" --parallel "$c" \
        --queue $((c * 4)) --batch --context 2048 "${sup[@]}" > "$out/overseer.c$c.log" 2>&1 &
    server_pid=$!
    wait_ready "http://127.0.0.1:$port_overseer/health"
    load overseer "$port_overseer" "$c"
    stop_server
done

python3 - "$out" "$clients" <<'PY'
import json, sys
out, clients = sys.argv[1], sys.argv[2].split(",")
print(f"{'clients':>7} {'server':>9} {'tok/s':>8} {'TTFT p50':>9} {'TTFT p99':>9} {'ITL p50':>8} {'ITL p99':>8}  errors")
summary = []
for c in clients:
    rows = {n: json.load(open(f"{out}/{n}.c{c}.json")) for n in ("llama", "overseer")}
    for n, r in rows.items():
        print(f"{c:>7} {n:>9} {r['tokens_per_second']:8.1f} {r['ttft_p50_ms']:8.1f}ms {r['ttft_p99_ms']:8.1f}ms "
              f"{r['itl_p50_ms']:7.1f}ms {r['itl_p99_ms']:7.1f}ms  {r['errors']}")
    o, l = rows["overseer"], rows["llama"]
    ratio = {"clients": int(c), "tokens_per_second": o["tokens_per_second"] / l["tokens_per_second"],
             "ttft_p50": o["ttft_p50_ms"] / l["ttft_p50_ms"], "itl_p50": o["itl_p50_ms"] / l["itl_p50_ms"]}
    summary.append(ratio)
    print(f"{c:>7} {'ratio':>9} {ratio['tokens_per_second']:7.2f}× {ratio['ttft_p50']:8.2f}×  {'':9} {ratio['itl_p50']:7.2f}×"
          "   (Overseer / llama.cpp)")
json.dump(summary, open(f"{out}/summary.json", "w"), indent=1)
PY
