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
# With a supervisor, Overseer writes its receipts to DIR/receipts.cC.sqlite, and after each load
# the script checks that every completed request's run is in the log (start and summary
# receipts; `fleet_load.py check`, "lost" must be 0) and replays the log with `overseer verify`.
# Then, unless --kill-after 0: the load at the largest C again on a fresh log, the server killed
# with SIGKILL after S seconds (default: 0.7 of the wall time that load took before: with two or
# more requests per client, some have completed and others are running), restarted on
# the same log and sent two more requests; the log must verify and hold every run whose response
# completed before the kill.
#
# Usage: bench/serve.sh [--clients LIST] [--requests R] [--max-tokens T] [--kill-after S] [--out DIR]
# Env: OVERSEER_BIN (default .build/release/overseer), MODEL, THREADS (default 2), SUPERVISOR,
#      OVERSEER_ARGS (more `overseer serve` options, e.g. "--prompt-chunk 0").
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
refuse_in_ci

clients="1,4,8"
requests=4
max_tokens=64
kill_after=auto
out="${OUT:-/tmp/overseer-serve-bench}"
while [ $# -gt 0 ]; do
    case "$1" in
        --clients) clients="$2"; shift 2 ;;
        --requests) requests="$2"; shift 2 ;;
        --max-tokens) max_tokens="$2"; shift 2 ;;
        --kill-after) kill_after="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
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

load() {  # NAME PORT C [REQUESTS]: writes $out/NAME.cC.json
    python3 "$REPO_ROOT/bench/serve_load.py" --url "http://127.0.0.1:$2/v1/chat/completions" \
        --clients "$3" --requests "${4:-$requests}" --max-tokens "$max_tokens" \
        --prompts "$REPO_ROOT/bench/steering/prompts.txt" --name "$1" > "$out/$1.c$3.json"
}

start_overseer() {  # C RECEIPTS-LOG (empty: none)
    local sup=() rec=()
    if [ -n "${SUPERVISOR:-}" ]; then sup=(--supervisor "$SUPERVISOR"); fi
    if [ -n "$2" ]; then rec=(--receipts "$2"); fi
    "$bin" serve -m "$MODEL" --host 127.0.0.1 --port "$port_overseer" --threads "$threads" --parallel "$1" \
        --queue $(($1 * 4)) --batch --context 2048 "${sup[@]}" "${rec[@]}" ${OVERSEER_ARGS:-} >> "$out/overseer.c$1.log" 2>&1 &
    server_pid=$!
    wait_ready "http://127.0.0.1:$port_overseer/health"
}

# check_receipts NAME LOG LOAD-JSON...: every completed request of the loads has its run in LOG,
# and LOG replays; writes $out/NAME.check.json (the last load's counts) and $out/NAME.verify.txt.
check_receipts() {
    local name="$1" log="$2"; shift 2
    "$bin" receipts "$log" > "$out/$name.dump.json"
    local f
    for f in "$@"; do
        python3 "$BENCH_ROOT/fleet_load.py" check --load "$f" --receipts "$out/$name.dump.json" \
            > "$out/$name.$(basename "$f" .json).check.json" || true
    done
    "$bin" verify "$log" --threads "$threads" > "$out/$name.verify.txt" 2>&1 || true
}

new_log() {  # PATH: removes an earlier log (and its WAL files), prints PATH
    rm -f "$1" "$1-wal" "$1-shm"
    echo "$1"
}

for c in ${clients//,/ }; do
    log "llama-server -np $c"
    "$llama_bin/llama-server" -m "$MODEL" --host 127.0.0.1 --port "$port_llama" -t "$threads" -np "$c" \
        -c $((c * 2048)) --no-webui > "$out/llama-server.c$c.log" 2>&1 &
    server_pid=$!
    wait_ready "http://127.0.0.1:$port_llama/health"
    load llama "$port_llama" "$c"
    stop_server

    log "overseer serve --parallel $c --batch${SUPERVISOR:+ --supervisor $SUPERVISOR}"
    : > "$out/overseer.c$c.log"
    receipts=""
    if [ -n "${SUPERVISOR:-}" ]; then receipts="$(new_log "$out/receipts.c$c.sqlite")"; fi
    start_overseer "$c" "$receipts"
    load overseer "$port_overseer" "$c"
    stop_server
    if [ -n "$receipts" ]; then
        log "checking the receipts of the $c-client load"
        check_receipts "receipts.c$c" "$receipts" "$out/overseer.c$c.json"
    fi
done

# kill -9 under load, then a restart on the same log.
largest="$(tr ',' '\n' <<< "$clients" | sort -n | tail -1)"
killed=""
if [ -n "${SUPERVISOR:-}" ] && [ "$kill_after" != 0 ]; then
    if [ "$kill_after" = auto ]; then
        kill_after="$(python3 -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["seconds"] * 0.7, 1))' "$out/overseer.c$largest.json")"
    fi
    log "kill -9 of overseer serve after $kill_after s of the $largest-client load, then a restart"
    killed="$(new_log "$out/receipts.kill.sqlite")"
    : > "$out/overseer.c$largest.log"
    start_overseer "$largest" "$killed"
    load kill "$port_overseer" "$largest" &
    loadpid=$!
    sleep "$kill_after"
    kill -9 "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    wait "$loadpid" || true
    start_overseer "$largest" "$killed"
    load restart "$port_overseer" 1 2
    stop_server
    check_receipts receipts.kill "$killed" "$out/kill.c$largest.json" "$out/restart.c1.json"
fi

python3 - "$out" "$clients" "${SUPERVISOR:-}" "$largest" "$killed" <<'PY'
import json, os, sys
out, clients, supervisor, largest, killed = sys.argv[1], sys.argv[2].split(","), sys.argv[3], sys.argv[4], sys.argv[5]
import time
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {cpu}, {os.cpu_count()} logical CPUs")
print(f"overseer: supervisor {supervisor or 'none'}; options: {os.environ.get('OVERSEER_ARGS') or 'default'}")
print(f"{'clients':>7} {'server':>9} {'tok/s':>8} {'TTFT p50':>9} {'TTFT p99':>9} {'ITL p50':>8} {'ITL p99':>8}  errors  load avg")
summary = []
for c in clients:
    rows = {n: json.load(open(f"{out}/{n}.c{c}.json")) for n in ("llama", "overseer")}
    for n, r in rows.items():
        print(f"{c:>7} {n:>9} {r['tokens_per_second']:8.1f} {r['ttft_p50_ms']:7.1f}ms {r['ttft_p99_ms']:7.1f}ms "
              f"{r['itl_p50_ms']:6.1f}ms {r['itl_p99_ms']:6.1f}ms  {r['errors']:6}  {r['load_before']:.1f} → {r['load_after']:.1f}")
    o, l = rows["overseer"], rows["llama"]
    ratio = {"clients": int(c)}
    for k in ("tokens_per_second", "ttft_p50_ms", "ttft_p99_ms", "itl_p50_ms", "itl_p99_ms"):
        ratio[k] = o[k] / l[k]
    summary.append(ratio)
    print(f"{c:>7} {'ratio':>9} {ratio['tokens_per_second']:7.2f}× {ratio['ttft_p50_ms']:8.2f}× {ratio['ttft_p99_ms']:8.2f}× "
          f"{ratio['itl_p50_ms']:7.2f}× {ratio['itl_p99_ms']:7.2f}×  (Overseer / llama.cpp)")

def verdict(name):
    lines = open(f"{out}/{name}.verify.txt").read().strip().splitlines()
    unfinished = sum(1 for x in lines if x.endswith(": unfinished"))
    return (lines[-1] if lines else "no output"), unfinished

receipts = {}
if supervisor:
    print("receipts (every completed request's run in the log; overseer verify on the whole log):")
    for c in clients:
        check = json.load(open(f"{out}/receipts.c{c}.overseer.c{c}.check.json"))
        v, _ = verdict(f"receipts.c{c}")
        receipts[c] = {**check, "verify": v}
        print(f"  {c} clients: {check['present']}/{check['completed']} completed runs present, lost {check['lost']}; verify: {v}")
if killed:
    load = json.load(open(f"{out}/kill.c{largest}.json"))
    kill = json.load(open(f"{out}/receipts.kill.kill.c{largest}.check.json"))
    restart = json.load(open(f"{out}/receipts.kill.restart.c1.check.json"))
    v, unfinished = verdict("receipts.kill")
    receipts["kill"] = {"completed_before_kill": kill, "after_restart": restart, "verify": v, "unfinished": unfinished}
    print(f"kill -9 during the {largest}-client load: {kill['completed']}/{load['requests']} requests had completed, "
          f"{kill['present']} of them in the log, lost {kill['lost']}; after the restart {restart['present']}/{restart['completed']} "
          f"present; verify: {v} ({unfinished} runs unfinished: killed mid-generation)")
json.dump({"ratios": summary, "receipts": receipts}, open(f"{out}/summary.json", "w"), indent=1)
PY
