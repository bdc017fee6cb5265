"""`overseer serve` driven by the official `openai` Python client.

Starts the debug binary on a free loopback port with the default model (SmolLM2, fetched by
`make model`) and two bundles this file writes itself: `quiet` (a probe whose score never reaches
its threshold) and `always` (a probe that fires on the first generated token). Run with
`python3 -m pytest Tests/python` from the repository root; `make test` does.
"""

import hashlib
import json
import os
import signal
import socket
import struct
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

openai = pytest.importorskip("openai", reason="the openai package is not installed (make deps installs it)")

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("OVERSEER_BIN", ROOT / ".build" / "debug" / "overseer"))
D_MODEL = 576  # SmolLM2-135M


def model_path() -> Path:
    """The default model's file, as `overseer models list` reports it."""
    if "OVERSEER_MODEL" in os.environ:
        return Path(os.environ["OVERSEER_MODEL"])
    out = subprocess.run([str(BINARY), "models", "list"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split("\t")
        if fields and fields[0] == "smollm2":
            return Path(fields[-1])
    return Path("/nonexistent")


def write_bundle(folder: Path, name: str, model_sha: str, bias: float) -> Path:
    """A bundle with one linear probe (zero weights, so its score is sigmoid(bias)) on layer 0's
    residual stream and a halt rule at 0.5 over generated tokens."""
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {"probe.bias": [bias], "probe.weight": [0.0] * D_MODEL}
    header, data, offset = {}, b"", 0
    for key in sorted(tensors):
        raw = struct.pack(f"<{len(tensors[key])}f", *tensors[key])
        header[key] = {"dtype": "F32", "shape": [len(tensors[key])], "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    header_bytes = json.dumps(header, separators=(",", ":")).encode()
    weights = struct.pack("<Q", len(header_bytes)) + header_bytes + data
    (folder / "weights.safetensors").write_bytes(weights)
    manifest = {
        "format": "overseer-supervisor-bundle",
        "format_version": 1,
        "name": name,
        "model": {"sha256": model_sha},
        "weights": {"file": "weights.safetensors", "sha256": hashlib.sha256(weights).hexdigest()},
        "detectors": [{"id": "probe", "kind": "linear", "tap": "blocks.0.hook_resid_post", "dimension": D_MODEL,
                       "tensors": {"weight": "probe.weight", "bias": "probe.bias"}, "output": "sigmoid"}],
        "rules": [{"id": "stop", "detectors": ["probe"], "aggregation": {"kind": "last", "window": 1},
                   "threshold": 0.5, "action": "halt", "scope": "generation"}],
    }
    (folder / "bundle.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return folder


def gguf_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def write_control_vector(path: Path, layers: range, seed: int, norm: float) -> Path:
    """A llama.cpp control-vector GGUF (v3): `direction.N` F32 [D] for each N in `layers`, each a
    seeded pseudo-random direction of the given norm."""
    import random
    rng = random.Random(seed)
    kvs = [("general.architecture", 8, gguf_string("controlvector")),
           ("controlvector.model_hint", 8, gguf_string("llama")),
           ("controlvector.layer_count", 4, struct.pack("<I", len(layers)))]
    infos, data = b"", b""
    for n in layers:
        v = [rng.gauss(0, 1) for _ in range(D_MODEL)]
        scale = norm / sum(x * x for x in v) ** 0.5
        infos += gguf_string(f"direction.{n}") + struct.pack("<IQIQ", 1, D_MODEL, 0, len(data))
        data += struct.pack(f"<{D_MODEL}f", *(x * scale for x in v))
    out = b"GGUF" + struct.pack("<IQQ", 3, len(layers), len(kvs))
    for key, kind, value in kvs:
        out += gguf_string(key) + struct.pack("<I", kind) + value
    out += infos
    out += b"\0" * (-len(out) % 32)
    path.write_bytes(out + data)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not BINARY.exists():
        pytest.skip(f"{BINARY} is missing (swift build --product overseer)")
    model = model_path()
    if not model.exists():
        pytest.skip("the default model is not fetched (make model)")
    tmp = tmp_path_factory.mktemp("serve")
    sha = hashlib.sha256(model.read_bytes()).hexdigest()
    quiet = write_bundle(tmp / "quiet.bundle", "quiet", sha, bias=-30.0)
    always = write_bundle(tmp / "always.bundle", "always", sha, bias=30.0)
    vector = write_control_vector(tmp / "push.gguf", range(1, 30), seed=7, norm=6.0)
    receipts = tmp / "receipts.sqlite"
    port = free_port()
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen([str(BINARY), "serve", "-m", str(model), "--supervisor", str(quiet), "--supervisor", str(always),
                             "--control-vector", f"push={vector}", "--receipts", str(receipts), "--port", str(port), "--parallel", "3", "--batch", "--threads", "1",
                             "--context", "1024"], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            pytest.fail("overseer serve did not start: " + (tmp / "server.log").read_text())
        time.sleep(0.2)
    client = openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0, timeout=120)
    yield {"client": client, "base": base, "receipts": receipts, "proc": proc, "log": tmp / "server.log"}
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(timeout=60) == 0, (tmp / "server.log").read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()


MESSAGES = [{"role": "user", "content": "Name three colours."}]


def test_models(server):
    models = server["client"].models.list()
    assert len(models.data) == 1
    bundles = models.data[0].model_extra["bundles"]
    assert [b["name"] for b in bundles] == ["quiet", "always"]


def test_chat_non_streaming(server):
    r = server["client"].chat.completions.create(model="smollm2", messages=MESSAGES, max_tokens=24, temperature=0)
    choice = r.choices[0]
    assert choice.message.role == "assistant"
    assert isinstance(choice.message.content, str) and choice.message.content
    assert choice.finish_reason in ("stop", "length")
    assert 0 < r.usage.completion_tokens <= 24
    assert r.usage.total_tokens == r.usage.prompt_tokens + r.usage.completion_tokens
    overseer = r.model_extra["overseer"]
    assert r.id == "chatcmpl-" + overseer["run_id"]
    assert overseer["bundle"]["name"] == "quiet"
    assert overseer["halted"] is False
    assert overseer["summary_receipt"] >= 1


def test_streaming_matches_non_streaming_and_reports_usage(server):
    client = server["client"]
    whole = client.chat.completions.create(model="smollm2", messages=MESSAGES, max_tokens=24, temperature=0)
    chunks = list(client.chat.completions.create(model="smollm2", messages=MESSAGES, max_tokens=24, temperature=0,
                                                 stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert len(finals) == 1
    assert finals[0].choices[0].finish_reason == whole.choices[0].finish_reason
    assert "overseer" in finals[0].model_extra
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == whole.usage.completion_tokens


def test_halt_is_content_filter(server):
    client = server["client"]
    r = client.chat.completions.create(model="smollm2", messages=MESSAGES, max_tokens=24, temperature=0,
                                       extra_body={"overseer": {"bundle": "always"}})
    assert r.choices[0].finish_reason == "content_filter"
    assert r.choices[0].message.content == ""
    assert r.usage.completion_tokens == 0
    overseer = r.model_extra["overseer"]
    assert overseer["halted"] is True and overseer["bundle"]["name"] == "always"
    halt = [v for v in overseer["verdicts"] if v["kind"] == "halt"]
    assert halt and halt[0]["rule"] == "stop" and halt[0]["generated_index"] == 0
    stream = list(client.chat.completions.create(model="smollm2", messages=MESSAGES, max_tokens=24, temperature=0,
                                                 stream=True, extra_body={"overseer": {"bundle": "always"}}))
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == ""
    assert stream[-1].choices[0].finish_reason == "content_filter"


def test_completions(server):
    r = server["client"].completions.create(model="smollm2", prompt="The capital of France is", max_tokens=8,
                                            temperature=0, logprobs=2)
    choice = r.choices[0]
    assert choice.text
    assert len(choice.logprobs.token_logprobs) == r.usage.completion_tokens
    assert all(lp <= 0 for lp in choice.logprobs.token_logprobs)


def test_errors(server):
    client = server["client"]
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="smollm2", messages=MESSAGES, n=2)
    assert e.value.status_code == 400 and "n = 1" in e.value.message
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="smollm2", messages=MESSAGES, extra_body={"overseer": {"bundle": "nope"}})
    assert e.value.body["param"] == "overseer.bundle"
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="smollm2", messages=[])
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("smollm2")  # GET /v1/models/{id} is not served


def test_batched_request_equals_lone_request(server):
    # With --batch, requests running together share each decode step's forward pass; a request's
    # tokens and log-probabilities are the same as when it runs alone.
    from concurrent.futures import ThreadPoolExecutor
    client = server["client"]

    def ask(text, seed, n):
        r = client.chat.completions.create(model="smollm2", messages=[{"role": "user", "content": text}], max_tokens=n,
                                           temperature=0.8, seed=seed, logprobs=True)
        return r.choices[0].message.content, [t.logprob for t in r.choices[0].logprobs.content]

    alone = ask("Write a haiku about rivers.", 11, 24)
    with ThreadPoolExecutor(3) as pool:
        together = [pool.submit(ask, "Write a haiku about rivers.", 11, 24),
                    pool.submit(ask, "List four fruits.", 3, 30),
                    pool.submit(ask, "What is 2 + 2?", 5, 16)]
        beside = together[0].result()
        assert all(f.result()[0] for f in together[1:])
    assert beside == alone


def test_steered_request(server):
    # overseer.steer names a control vector the server offers; the edit changes the greedy answer,
    # the response reports the plan with its hashes, and the run's receipts record it (verified below).
    client = server["client"]
    plain = client.chat.completions.create(model="smollm2", messages=MESSAGES, max_tokens=16, temperature=0)
    steer = [{"kind": "add", "vector": "push", "scale": 1.0, "layers": [4, 20]}]
    r = client.chat.completions.create(model="smollm2", messages=MESSAGES, max_tokens=16, temperature=0,
                                       extra_body={"overseer": {"steer": steer}})
    assert r.choices[0].message.content != plain.choices[0].message.content
    steering = r.model_extra["overseer"]["steering"]
    assert len(steering["edits"]) == 1 and len(steering["edits"][0]["vectors"]) == 17
    assert len(r.model_extra["overseer"]["steering_sha256"]) == 64
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="smollm2", messages=MESSAGES, max_tokens=4,
                                       extra_body={"overseer": {"steer": [{"kind": "add", "vector": "/tmp/x.gguf"}]}})
    assert e.value.body["param"] == "overseer.steer[0]" and "offered: push" in e.value.message


def test_receipts_verify_while_serving(server):
    # Every request so far has its receipts; the log verifies (chain and replay) while the server runs.
    out = subprocess.run([str(BINARY), "verify", str(server["receipts"]), "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["ok"] is True and len(report["runs"]) >= 5
    with urllib.request.urlopen(server["base"] + "/v1/receipts/head") as r:
        head = json.load(r)
    assert head["hash"] == report["head"]
