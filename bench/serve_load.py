#!/usr/bin/env python3
"""Load generator for bench/serve.sh: C clients, each sending R streamed chat completions in turn.

Prints one JSON object: completion tokens per second over the wall time (tokens from each stream's
final `usage` chunk), time to first content chunk (TTFT) and inter-chunk latency (ITL) percentiles
in milliseconds, the number of failed requests, the machine's load average before and after, and
per request its HTTP status (0: the connection failed) and Overseer's run id, in the form
`fleet_load.py check` reads. Loopback only; bounded by C × R requests.
"""
import os
import argparse
import http.client
import json
import threading
import time
import urllib.parse


def percentile(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def one_request(url, prompt, max_tokens):
    """Returns (completion_tokens, ttft_s, [itl_s...], run_id); raises on a failed request."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
    body = json.dumps({"model": "default", "messages": [{"role": "user", "content": prompt}],
                       "max_tokens": max_tokens, "temperature": 0, "stream": True,
                       "stream_options": {"include_usage": True}})
    start = time.perf_counter()
    conn.request("POST", u.path, body=body, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        raise Failed(resp.status, f"HTTP {resp.status}: {resp.read()[:200]!r}")
    first, last, gaps, tokens, run_id = None, None, [], None, None
    for raw in resp:
        line = raw.decode("utf-8", "replace").strip()
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            break
        chunk = json.loads(data)
        run_id = (chunk.get("overseer") or {}).get("run_id", run_id)
        if chunk.get("usage"):
            tokens = chunk["usage"]["completion_tokens"]
        for choice in chunk.get("choices", []):
            if (choice.get("delta") or {}).get("content"):
                now = time.perf_counter()
                if first is None:
                    first = now - start
                else:
                    gaps.append(now - last)
                last = now
    conn.close()
    if tokens is None:
        raise Failed(0, "stream ended without a usage chunk")
    return tokens, first if first is not None else float("nan"), gaps, run_id


class Failed(Exception):
    """A request that did not complete; `status` is its HTTP status, 0 when the connection failed."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--clients", type=int, default=1)
    ap.add_argument("--requests", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=64)
    ap.add_argument("--prompts", required=True)
    ap.add_argument("--name", default="")
    args = ap.parse_args()
    prompts = [p.strip() for p in open(args.prompts) if p.strip()]

    lock = threading.Lock()
    ttfts, itls, tokens, errors, results = [], [], [0], [], []

    def client(i):
        for r in range(args.requests):
            prompt = prompts[(i * args.requests + r) % len(prompts)]
            try:
                n, ttft, gaps, run_id = one_request(args.url, prompt, args.max_tokens)
            except Exception as e:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(str(e))
                    results.append({"status": getattr(e, "status", 0), "error": str(e)[:200]})
                continue
            with lock:
                results.append({"status": 200, "run_id": run_id, "completion_tokens": n})
                tokens[0] += n
                ttfts.append(ttft)
                itls.extend(gaps)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    print(json.dumps({
        "name": args.name, "clients": args.clients, "requests": args.clients * args.requests,
        "completion_tokens": tokens[0], "seconds": wall, "tokens_per_second": tokens[0] / wall,
        "ttft_p50_ms": 1000 * percentile(ttfts, 0.5), "ttft_p99_ms": 1000 * percentile(ttfts, 0.99),
        "itl_p50_ms": 1000 * percentile(itls, 0.5), "itl_p99_ms": 1000 * percentile(itls, 0.99),
        "errors": len(errors), "first_error": errors[0] if errors else None,
        "load_before": load_before, "load_after": os.getloadavg()[0], "results": results,
    }, indent=1))


if __name__ == "__main__":
    main()
