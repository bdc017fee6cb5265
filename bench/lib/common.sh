# Shared helpers for the bench/ scripts. Sourced, not executed.
#
# llama.cpp is NEVER vendored into this repository and NEVER built in CI. These helpers fetch
# the llama-cpp-python sdist from PyPI (it carries llama.cpp's full source under
# vendor/llama.cpp), build only the requested tools once, and cache them under
#   ${OVERSEER_BENCH_DIR:-$HOME/.cache/overseer-bench}/llama-cpp-python-<version>/
# Version pin: LLAMA_CPP_PYTHON_VERSION (default below). The reference outputs the team compares
# against were produced with this version.

: "${LLAMA_CPP_PYTHON_VERSION:=0.3.36}"
: "${OVERSEER_BENCH_DIR:=$HOME/.cache/overseer-bench}"
: "${BENCH_JOBS:=2}"   # the dev machines have 2 shared cores
BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$BENCH_ROOT/.." && pwd)"

die() { echo "error: $*" >&2; exit 1; }
log() { echo "[bench] $*" >&2; }

refuse_in_ci() {
    # These scripts download ~75 MB, compile for several minutes and take timings that mean
    # nothing on a shared runner: they must never run in CI.
    if [ -n "${CI:-}" ] && [ "${CI}" != "false" ] && [ "${CI}" != "0" ]; then
        echo "$(basename "$0"): skipped: benchmarks never run in CI (CI=$CI)" >&2
        exit 0
    fi
}

# ensure_model: with MODEL empty, sets it to the default model (SmolLM2-135M-Instruct Q4_1),
# fetched into overseer's cache by `overseer models fetch smollm2` when missing; then checks the
# file exists.
ensure_model() {
    if [ -z "${MODEL:-}" ]; then
        MODEL="$("$(find_overseer)" models fetch smollm2)" || die "could not fetch the default model"
    fi
    [ -f "$MODEL" ] || die "model not found: $MODEL"
}

# ensure_llama_cpp TARGET... : prints the bin directory containing the built targets.
ensure_llama_cpp() {
    local base="$OVERSEER_BENCH_DIR/llama-cpp-python-$LLAMA_CPP_PYTHON_VERSION"
    local src="$base/src" build="$base/build" t missing=()
    for t in "$@"; do [ -x "$build/bin/$t" ] || missing+=("$t"); done
    if [ ${#missing[@]} -eq 0 ]; then echo "$build/bin"; return 0; fi

    mkdir -p "$base"
    if [ ! -f "$src/vendor/llama.cpp/CMakeLists.txt" ]; then
        log "downloading llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION sdist from PyPI"
        # A plain download: PyPI has only the sdist for this package (never use --no-binary :all:).
        python3 -m pip download --no-deps "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION" -d "$base/dl" >&2
        local tarball
        tarball="$(ls "$base"/dl/llama_cpp_python-"$LLAMA_CPP_PYTHON_VERSION".tar.gz 2>/dev/null | head -1)"
        [ -n "$tarball" ] || die "pip did not produce an sdist in $base/dl"
        rm -rf "$src.tmp" && mkdir -p "$src.tmp"
        tar -xzf "$tarball" -C "$src.tmp" --strip-components=1
        rm -rf "$src" && mv "$src.tmp" "$src"
    fi
    if ! command -v cmake >/dev/null || ! command -v ninja >/dev/null; then
        log "installing cmake and ninja from PyPI"
        python3 -m pip install cmake ninja >&2
        hash -r
    fi
    # (Re)configure when there is no build yet or it does not know a target (a build configured
    # before the server was needed has no llama-server).
    if [ ! -f "$build/build.ninja" ] || ! ninja -C "$build" -t query "${missing[@]}" >/dev/null 2>&1; then
        log "configuring llama.cpp (Release, CPU only, GGML_NATIVE=ON, no CURL, with the server)"
        cmake -S "$src/vendor/llama.cpp" -B "$build" -G Ninja \
            -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
            -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=ON >&2
    fi
    log "building ${missing[*]} with ninja -j$BENCH_JOBS (first time only; several minutes)"
    ninja -C "$build" -j"$BENCH_JOBS" "${missing[@]}" >&2
    echo "$build/bin"
}

find_overseer() {
    if [ -n "${OVERSEER_BIN:-}" ]; then echo "$OVERSEER_BIN"; return; fi
    if [ -x "$REPO_ROOT/.build/release/overseer" ]; then echo "$REPO_ROOT/.build/release/overseer"; return; fi
    if command -v overseer >/dev/null; then command -v overseer; return; fi
    die "overseer binary not found: build it (swift build -c release) or set OVERSEER_BIN"
}

# peak_rss OUTFILE CMD... : runs CMD (stdout/stderr passed through), writes the peak RSS of the
# process tree in bytes (getrusage RUSAGE_CHILDREN ru_maxrss, the same number /usr/bin/time -v
# calls "Maximum resident set size") to OUTFILE, and returns CMD's exit code.
peak_rss() {
    local out="$1"; shift
    python3 - "$out" "$@" <<'PY'
import resource, subprocess, sys
out, cmd = sys.argv[1], sys.argv[2:]
rc = subprocess.call(cmd)
with open(out, "w") as f:
    f.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024) + "\n")
sys.exit(rc)
PY
}
