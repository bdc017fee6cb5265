"""Coverage and relative precision of `overseer risk` runs against a ground truth (bench/risk.sh).

  coverage.py OUT SEEDS N_MC TRUTH TRUTH_LO TRUTH_HI IS_COUNT...
      reads OUT/mc.N_MC.S.json for S in 1..SEEDS and OUT/is.N.S.json for S in 1..IS_SEEDS (an
      environment variable: one number, or one per IS_COUNT, comma-separated; default SEEDS:
      importance runs are cheap, so there can be more of them) and prints, per method and
      sample count: coverage of the truth (and of the ends of the truth's own interval) by the
      95 % intervals, with the coverage's own Clopper–Pearson interval (and, with EXACT_LOWER set,
      at that certain lower bound on the truth from `--method exact`); the mean estimate; the
      relative standard deviation of the estimates over the seeds; the mean relative standard
      error; the per-sample relative variance n·(sd/truth)² and the ratio MC / IS of it (how many
      times fewer samples IS needs for the same relative precision).
  coverage.py --clopper-pearson K N
      prints "K/N LOWER UPPER": the estimate and the 95 % Clopper–Pearson interval.
"""
import json
import math
import os
import sys


def log_pmf(k, n, p):
    if p <= 0:
        return 0.0 if k == 0 else -math.inf
    if p >= 1:
        return 0.0 if k == n else -math.inf
    return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * math.log(p) + (n - k) * math.log1p(-p))


def cdf(k, n, p):
    """P(X <= k) for X ~ Binomial(n, p)."""
    return min(1.0, sum(math.exp(log_pmf(j, n, p)) for j in range(k + 1)))


def clopper_pearson(k, n, confidence=0.95):
    a = (1 - confidence) / 2

    def bisect(f, target):  # f decreasing in p; the p with f(p) = target
        lo, hi = 0.0, 1.0
        for _ in range(100):
            mid = (lo + hi) / 2
            if f(mid) > target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    lower = 0.0 if k == 0 else bisect(lambda p: cdf(k - 1, n, p), 1 - a)  # P(X >= k) = a
    upper = 1.0 if k == n else bisect(lambda p: cdf(k, n, p), a)          # P(X <= k) = a
    return lower, upper


def main():
    if sys.argv[1] == "--clopper-pearson":
        k, n = int(sys.argv[2]), int(sys.argv[3])
        lo, hi = clopper_pearson(k, n)
        print(f"{k / n!r} {lo!r} {hi!r}")
        return
    out, seeds, n_mc = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    p, p_lo, p_hi = map(float, sys.argv[4:7])
    is_counts = [int(x) for x in sys.argv[7:]]
    given = [int(x) for x in (os.environ.get("IS_SEEDS") or str(seeds)).split(",")]
    exact_lower = float(os.environ.get("EXACT_LOWER") or 0)
    is_seeds = dict(zip(is_counts, given if len(given) == len(is_counts) else given[:1] * len(is_counts)))
    runs = [("mc", n_mc, "interval", [json.load(open(f"{out}/mc.{n_mc}.{s}.json"))["monte_carlo"]["event"]
                                      for s in range(1, seeds + 1)])]
    for n in is_counts:
        xs = [json.load(open(f"{out}/is.{n}.{s}.json"))["importance"] for s in range(1, is_seeds[n] + 1)]
        runs.append(("is", n, "interval", xs))
        runs.append(("is-normal", n, "normal_interval", xs))
    print(f"ground truth {p:.6g} (95% CP [{p_lo:.6g}, {p_hi:.6g}]); seeds: mc {seeds}, "
          + ", ".join(f"is n={n} {k}" for n, k in is_seeds.items()))
    relvar = {}
    for name, n, key, xs in runs:
        def cov(t):
            return sum(x[key]["lower"] <= t <= x[key]["upper"] for x in xs)
        c = cov(p)
        lo, hi = clopper_pearson(c, len(xs))
        est = [x["estimate"] for x in xs]
        mean = sum(est) / len(est)
        sd = math.sqrt(sum((e - mean) ** 2 for e in est) / (len(est) - 1))
        width = sum(x[key]["upper"] - x[key]["lower"] for x in xs) / len(xs)
        line = (f"{name:9s} n={n:5d}, {len(xs)} seeds: coverage {c}/{len(xs)} = {c / len(xs):.0%} [{lo:.2f}, {hi:.2f}] "
                f"(at truth's CP ends {cov(p_lo)}/{len(xs)}, {cov(p_hi)}/{len(xs)}"
                + (f"; at the exact lower bound {exact_lower:.4g}: {cov(exact_lower)}/{len(xs)}" if exact_lower else "")
                + f"); mean width {width:.3g}")
        if key == "interval":
            rel_sd = sd / p
            relvar[(name, n)] = n * rel_sd ** 2
            line += f"\n{'':9s}          mean estimate {mean:.4g}, relative sd over seeds {rel_sd:.3f}"
            if name == "mc":
                line += f" (binomial: {math.sqrt((1 - p) / (n * p)):.3f})"
            else:
                rse = sum(x["standard_error"] / x["estimate"] for x in xs if x["estimate"] > 0) / max(1, sum(x["estimate"] > 0 for x in xs))
                ess = sum(x["effective_sample_size"] for x in xs) / len(xs)
                events = sum(x["events"] for x in xs) / len(xs)
                line += f", mean relative s.e. {rse:.3f}, mean ESS {ess:.1f}, mean events {events:.1f}"
            line += f"; per-sample relative variance n·(sd/p)² = {relvar[(name, n)]:.3g}"
        print(line)
    mc = relvar[("mc", n_mc)]
    binomial = (1 - p) / p
    for n in is_counts:
        r = relvar[("is", n)]
        print(f"samples MC needs / samples IS (n={n}) needs for the same relative precision: {mc / r:.1f}x "
              f"(with MC's binomial variance (1-p)/p = {binomial:.3g}: {binomial / r:.1f}x)")


main()
