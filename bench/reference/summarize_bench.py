#!/usr/bin/env python3
"""bench/*.llama-bench.json + runs.log -> bench.txt (stdout)."""
import glob, json, os, re, statistics

D = "/work/ref/bench"
print("llama-bench reference, SmolLM2-135M-Instruct.Q4_1.gguf (llama.cpp 0c1e570 / ggml 0.25.3, Release,")
print("GGML_NATIVE=ON, CPU backend, AVX512 + AVX512_VNNI/BF16/VBMI, OpenMP). flash_attn=auto, mmap on, n_batch 2048,")
print("n_ubatch 512, f16 KV, 1 untimed warm-up per test. pp128 = 128-token prompt in one batch; tg128 = 128")
print("single-token decodes from an empty context. t/s below: median of the 5 samples (llama-bench's own")
print("table shows mean +/- stddev). Peak RSS: /usr/bin/time -v 'Maximum resident set size' of the whole process.")
print()
print("command: /usr/bin/time -v build/bin/llama-bench -m MODEL -p 128 -n 128 -t 1,2 -r 5 -o json -oe md")
print("         (scripts/run_bench.sh RUN; raw files bench/RUN.llama-bench.{json,md,time.txt})")
print()
print("!! The 2 cores were shared with other engineers' builds/benchmarks during every run (load average")
print("!! 3.7-7 on 2 cores, CPU pressure ~99%). Under that contention ggml's OpenMP threads spin at barriers")
print("!! and 2-thread results collapse; treat the numbers as lower bounds, and re-run on an idle machine.")
print()
rows = []
for f in sorted(glob.glob(f"{D}/*.llama-bench.json")):
    run = os.path.basename(f).split(".")[0]
    data = json.load(open(f))
    t = open(f"{D}/{run}.llama-bench.time.txt").read()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1))
    st = f"{D}/{run}.llama-simple.time.txt"
    rss_s = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(st).read()).group(1)) if os.path.exists(st) else None
    print(f"{run}: peak RSS llama-bench {rss} KiB ({rss/1024:.1f} MiB)" +
          (f"; llama-simple -n 64 {rss_s} KiB ({rss_s/1024:.1f} MiB)" if rss_s else ""))
    for e in data:
        test = f"pp{e['n_prompt']}" if e["n_gen"] == 0 else f"tg{e['n_gen']}"
        med = statistics.median(e["samples_ts"])
        rows.append((run, e["n_threads"], test, med))
        print(f"  t={e['n_threads']} {test:6} median {med:8.2f} t/s   mean {e['avg_ts']:8.2f} +/- {e['stddev_ts']:6.2f}   "
              f"samples {[round(x, 1) for x in e['samples_ts']]}")
print()
print("SUMMARY: best median over the default-setting runs (contention only slows a run down, so the best")
print("run is the closest to an idle machine). run4 is the one run whose four tests were all clean (stddev <= 3%),")
print("and it supplies 3 of the 4 values; t=1 numbers of run2/3/5/7 agree within 3%:")
best = {}
for run, t, test, med in rows:
    if "passive" in run:
        continue
    if (t, test) not in best or med > best[(t, test)][0]:
        best[(t, test)] = (med, run)
for (t, test), (med, run) in sorted(best.items()):
    print(f"  threads={t} {test}: {med:7.2f} t/s   ({run})")
print("  peak RSS: llama-bench (pp128+tg128, t=1,2, n_ctx 256) ~134 MiB (137,288-137,420 KiB);")
print("            llama-simple (4-token prompt + 64 tokens, n_ctx 67) ~126 MiB (128,772-128,952 KiB).")
print("  (the GGUF is 93.8 MiB and is mmapped, so its touched pages count in RSS)")
print("OMP_WAIT_POLICY=passive runs (run3, run8) are NOT llama.cpp's default and are left out of the summary.")
print("run3 (busy machine) shows passive waiting keeps 2 threads usable (228 pp / 94 tg) where the default")
print("spinning collapsed to ~10-50 t/s in run1/run2/run6/run7; run8 was simply a heavily loaded moment.")
print("Lesson for overseer bench: a 2-thread decode with spinning barriers is fragile on a shared 2-core box.")
print()
print("runs.log (markdown tables as printed, with load averages before/after):")
print(open(f"{D}/runs.log").read())
