#!/usr/bin/env bash
# A fleet on one machine (loopback only, bounded): two `overseer serve` processes, four client
# threads each, a fixed number of chat requests, one receipt log; then the same load with the
# log in SQLite; then the load again in PostgreSQL with one server killed (SIGKILL) mid-load.
#
# For each phase: requests completed, every completed request's run present in the log (start
# and summary receipts; "lost" must be 0), `overseer verify` on the whole log (replay), and the
# receipts appended per second of the load (log growth / wall time). Then `overseer
# bench-receipts`: pure appends from 4 writers, PostgreSQL beside SQLite in the same run.
#
# PostgreSQL runs from a temporary data directory on a free loopback port (fsync on, as the
# SQLite log has synchronous=FULL), as `nobody` when this runs as root (initdb refuses root).
# The servers log in as `fleet`, a role granted only SELECT and INSERT on the receipts.
#
# Usage: bench/fleet.sh [--requests N] [--clients C] [--tokens T] [--out DIR]
# Results: DIR/summary.md (what docs/fleet.md quotes) and the raw JSON beside it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
refuse_in_ci

requests=48; clients=4; tokens=16
out="${OUT:-/tmp/overseer-fleet}"
while [ $# -gt 0 ]; do
    case "$1" in
        --requests) requests="$2"; shift 2 ;;
        --clients) clients="$2"; shift 2 ;;
        --tokens) tokens="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        *) die "unknown option $1" ;;
    esac
done
bin="${OVERSEER_BIN:-}"
if [ -z "$bin" ]; then
    for b in "$REPO_ROOT/.build/release/overseer" "$REPO_ROOT/.build/debug/overseer"; do [ -x "$b" ] && { bin="$b"; break; }; done
fi
[ -x "$bin" ] || die "no overseer binary (swift build -c release --product overseer)"
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$pgbin/initdb" ] || die "PostgreSQL is not installed (make deps)"
model="$("$bin" models fetch smollm2)"
"$bin" bundles build harm >&2
rm -rf "$out"; mkdir -p "$out"
load="python3 $BENCH_ROOT/fleet_load.py"

# --- PostgreSQL in a temporary directory -------------------------------------------------------
pgdir="$(mktemp -d /tmp/overseer-fleet-pg-XXXXXX)"
as_pg=()
if [ "$(id -u)" = 0 ]; then chown nobody "$pgdir"; as_pg=(runuser -u nobody --); fi
pgport="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd /tmp && "${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --no-instructions >/dev/null)
(cd /tmp && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
    -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c max_connections=60" start >/dev/null)
servers=()
cleanup() {
    for p in "${servers[@]}"; do kill "$p" 2>/dev/null || true; done
    (cd /tmp && "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1) || true
    rm -rf "$pgdir"
}
trap cleanup EXIT
psql_() { psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pgport" -U postgres "$@"; }
psql_ -c "CREATE DATABASE fleet" postgres
admin="postgres://postgres@127.0.0.1:$pgport/fleet"
fleet="postgres://fleet@127.0.0.1:$pgport/fleet"
# The first run, as the superuser, creates the receipts table, its triggers and the appender role.
"$bin" generate -m "$model" --chat -p "Say hello." -n 4 --supervisor harm --receipts "$admin" >/dev/null 2>&1
psql_ -c "CREATE ROLE fleet LOGIN IN ROLE overseer_appender" postgres

# start_server LOG NAME: starts `overseer serve` on a free port; sets $port and records the pid.
start_server() {
    local logfile="$out/$2.log"
    "$bin" serve -m "$model" --supervisor harm --receipts "$1" --port 0 --parallel 2 --threads 1 --context 512 \
        2>"$logfile" >/dev/null &
    local pid=$!
    servers+=("$pid")
    for _ in $(seq 1 600); do
        port="$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$logfile" | head -1)"
        [ -n "$port" ] && { last_pid=$pid; return; }
        kill -0 "$pid" 2>/dev/null || die "server $2 exited: $(cat "$logfile")"
        sleep 0.1
    done
    die "server $2 did not start"
}
stop_servers() {
    for p in "${servers[@]}"; do kill -INT "$p" 2>/dev/null || true; done
    for p in "${servers[@]}"; do wait "$p" 2>/dev/null || true; done
    servers=()
}
count_receipts() {  # LOG
    "$bin" receipts "$1" > "$out/dump.json"
    python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$out/dump.json"
}

# phase NAME LOG: the load on two servers sharing LOG; appends/s, presence, verify.
phase() {
    local name="$1" log="$2"
    start_server "$log" "$name-a"; local pa=$port
    start_server "$log" "$name-b"; local pb=$port
    local before; before="$(count_receipts "$log")"
    $load load --ports "$pa,$pb" --clients "$clients" --requests "$requests" --max-tokens "$tokens" --out "$out/$name-load.json"
    stop_servers
    local after; after="$(count_receipts "$log")"
    $load check --load "$out/$name-load.json" --receipts "$out/dump.json" > "$out/$name-check.json" || true
    local t0; t0=$(date +%s.%N)
    "$bin" verify "$log" --threads 2 > "$out/$name-verify.txt" || true
    local t1; t1=$(date +%s.%N)
    python3 - "$name" "$out/$name-load.json" "$out/$name-check.json" "$out/$name-verify.txt" "$before" "$after" "$t0" "$t1" <<'EOF' >> "$out/rows.md"
import json, sys
name, loadf, checkf, verifyf, before, after, t0, t1 = sys.argv[1:]
load = json.load(open(loadf)); check = json.load(open(checkf))
verified = open(verifyf).read().strip().splitlines()[-1]
added = int(after) - int(before)
ok = sum(1 for r in load["results"] if r["status"] == 200)
halted = sum(1 for r in load["results"] if r.get("halted"))
print(f"| {name} | {ok}/{load['requests']} ({halted} halted) | {check['present']}/{check['completed']} | {check['lost']} "
      f"| {added} | {load['wall_seconds']:.1f} | {added / load['wall_seconds']:.1f} | {verified} ({float(t1) - float(t0):.0f} s) |")
EOF
}

{
    echo "| log | requests completed | runs present | lost | receipts appended | load s | receipts/s | verify |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} > "$out/rows.md"
phase postgres "$fleet"
phase sqlite "$out/fleet.sqlite"

# --- kill -9 of one server mid-load -------------------------------------------------------------
start_server "$fleet" kill-a; pa=$port; pida=$last_pid
start_server "$fleet" kill-b; pb=$port
$load load --ports "$pa,$pb" --clients "$clients" --requests "$requests" --max-tokens "$tokens" --out "$out/kill-load.json" &
loadpid=$!
sleep 5
kill -9 "$pida"
wait "$loadpid" || true
b_health="$(curl -s "http://127.0.0.1:$pb/health" || echo down)"
stop_servers
count_receipts "$fleet" >/dev/null
$load check --load "$out/kill-load.json" --receipts "$out/dump.json" > "$out/kill-check.json" || true
"$bin" verify "$fleet" --threads 2 > "$out/kill-verify.txt" || true
python3 - "$out/kill-load.json" "$out/kill-check.json" "$out/kill-verify.txt" "$pa" "$pb" "$b_health" <<'EOF' > "$out/kill.md"
import json, sys
loadf, checkf, verifyf, pa, pb, health = sys.argv[1:]
load = json.load(open(loadf)); check = json.load(open(checkf)); v = open(verifyf).read()
a = [r for r in load["results"] if r["port"] == int(pa)]; b = [r for r in load["results"] if r["port"] == int(pb)]
unfinished = v.count(": unfinished")
print(f"- server A (killed with SIGKILL after 5 s): {sum(r['status'] == 200 for r in a)}/{len(a)} of its requests completed, "
      f"the rest failed with a connection error")
print(f"- server B: {sum(r['status'] == 200 for r in b)}/{len(b)} completed; /health afterwards: {health}")
print(f"- completed runs present in the log: {check['present']}/{check['completed']}, lost: {check['lost']}")
print(f"- verify: {v.strip().splitlines()[-1]}; runs reported unfinished (killed mid-generation): {unfinished}")
EOF

# --- pure appends --------------------------------------------------------------------------------
psql_ -c "CREATE DATABASE appends" postgres
"$bin" bench-receipts "postgres://postgres@127.0.0.1:$pgport/appends" --baseline "$out/appends.sqlite" \
    --writers 4 --appends 250 --rows 3 > "$out/appends.txt"

{
    echo "overseer: $bin; model: $model; $requests requests, 2 servers x $clients clients, max_tokens $tokens"
    echo
    cat "$out/rows.md"
    echo
    echo "kill -9:"
    cat "$out/kill.md"
    echo
    echo "appends (bench-receipts, 4 writers x 250 appends x 3 receipts):"
    cat "$out/appends.txt"
} > "$out/summary.md"
cat "$out/summary.md"
