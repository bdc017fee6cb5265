"""PyTorch + PEFT LoRA training steps on CPU, for the speed comparison in bench/gradients.sh only
(never part of CI or the product).

The model is the same GGUF overseer trains on, dequantized to F32 by transformers (`gguf_file=`,
which needs the `gguf` package; transformers cannot save a model loaded that way, so it is
dequantized again each run — before any step is timed). The data is a {"prompt", "completion"} JSONL rendered with the model's chat
template; only the reply and the end-of-turn marks carry the loss, as in `overseer finetune`.
Each step: forward, loss, backward, Adam, on a batch of --batch examples right-padded to the
longest; tokens/s counts the real (unpadded) tokens. Prints one JSON object.
"""
import argparse
import json
import os
import random
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")   # everything is local: no hub look-ups
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
import torch
import transformers
import peft
from transformers import AutoModelForCausalLM, AutoTokenizer

ap = argparse.ArgumentParser()
ap.add_argument("--gguf", required=True)
ap.add_argument("--data", required=True)
ap.add_argument("--rank", type=int, default=8)
ap.add_argument("--alpha", type=float, default=16)
ap.add_argument("--lr", type=float, default=2e-3)
ap.add_argument("--batch", type=int, default=4)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--layers", required=True, help="comma-separated adapted layers")
ap.add_argument("--targets", default="q,v,o,down")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--steps", type=int, default=3)
args = ap.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)

folder, name = os.path.split(os.path.abspath(args.gguf))
tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)

names = {"q": "q_proj", "k": "k_proj", "v": "v_proj", "o": "o_proj", "gate": "gate_proj", "up": "up_proj", "down": "down_proj"}
config = peft.LoraConfig(r=args.rank, lora_alpha=args.alpha, lora_dropout=0.0, bias="none", task_type="CAUSAL_LM",
                         target_modules=[names[t] for t in args.targets.split(",")],
                         layers_to_transform=[int(x) for x in args.layers.split(",")])
model = peft.get_peft_model(model, config)
model.train()
opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=args.lr)

examples = []
for line in open(args.data):
    if not line.strip():
        continue
    row = json.loads(line)
    user = [{"role": "user", "content": row["prompt"]}]
    prefix = tok.apply_chat_template(user, add_generation_prompt=True, tokenize=True)
    full = tok.apply_chat_template(user + [{"role": "assistant", "content": row["completion"]}], tokenize=True)
    if not isinstance(prefix, list):   # a BatchEncoding in recent transformers
        prefix, full = list(prefix["input_ids"]), list(full["input_ids"])
    examples.append((full, [-100] * len(prefix) + full[len(prefix):]))
random.Random(args.seed).shuffle(examples)

pad = tok.pad_token_id if tok.pad_token_id is not None else 0
steps = []
for s in range(args.steps):
    batch = examples[s * args.batch:(s + 1) * args.batch]
    width = max(len(x) for x, _ in batch)
    ids = torch.tensor([x + [pad] * (width - len(x)) for x, _ in batch])
    labels = torch.tensor([y + [-100] * (width - len(y)) for _, y in batch])
    mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x, _ in batch])
    start = time.perf_counter()
    loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    loss.backward()
    opt.step()
    opt.zero_grad()
    seconds = time.perf_counter() - start
    steps.append({"step": s + 1, "loss": loss.item(), "tokens": sum(len(x) for x, _ in batch), "seconds": seconds})

timed = steps[1:] if len(steps) > 1 else steps   # the first step warms up PyTorch's allocator and kernels
print(json.dumps({"torch_version": torch.__version__, "transformers_version": transformers.__version__,
                  "peft_version": peft.__version__, "threads": args.threads, "steps": steps,
                  "tokens_per_second": sum(s["tokens"] for s in timed) / sum(s["seconds"] for s in timed)}))
