"""Trains the MRZ line recognizer (a small fully convolutional network with CTC) on synthetic lines
only and writes vision/ocr/model/mrz-ctc.{json,bin}: folded conv weights as float16, loaded by
vision/ocr/mrz-recognizer.ts with tfjs. Reproducible: fixed seeds, one thread layout.
    python train.py [--steps 2400] [--stop-after N] [--out ../../vision/ocr/model]
        [--resume-from MODEL_DIR | CHECKPOINT.pt] [--checkpoint CHECKPOINT.pt] [--evaluate]"""
import argparse
import json
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from mrz_text import ALPHABET
from render import FONT_MIXES, INPUT_HEIGHT, sample, use_fonts

BLANK = len(ALPHABET)  # classes: the 37 MRZ characters, then the CTC blank
LAYERS = [  # (out channels, kernel h, kernel w, vertical padding, pool h, pool w): input 1 x 24 x W
    (16, 3, 3, 1, 2, 2),
    (32, 3, 3, 1, 2, 2),
    (48, 3, 3, 1, 1, 1),
    (64, 3, 3, 1, 2, 1),
    (96, 3, 3, 0, 1, 1),  # no vertical padding: height 3 -> 1
    (96, 1, 3, 0, 1, 1),
]


class LineNet(nn.Module):
    def __init__(self):
        super().__init__()
        blocks, cin = [], 1
        for cout, kh, kw, pad_h, ph, pw in LAYERS:
            block = [nn.Conv2d(cin, cout, (kh, kw), padding=(pad_h, kw // 2), bias=False), nn.BatchNorm2d(cout), nn.ReLU()]
            if ph > 1 or pw > 1:
                block.append(nn.MaxPool2d((ph, pw)))
            blocks.append(nn.Sequential(*block))
            cin = cout
        self.blocks = nn.ModuleList(blocks)
        self.dropout = nn.Dropout(0.15)
        self.head = nn.Conv2d(cin, BLANK + 1, 1)

    def forward(self, x):  # N x 1 x 32 x W -> N x C x W/4
        for b in self.blocks:
            x = b(x)
        return self.head(self.dropout(x)).squeeze(2)


def batch(rng, n, windows=False):
    """n lines; with `windows`, all cut to one random length of 10-22 characters (one width per batch)."""
    window = rng.randint(10, 22) if windows else None
    items = [sample(rng, window=window) for _ in range(n)]
    width = max(x.shape[1] for x, _ in items)
    width += (-width) % 4
    xs = np.zeros((n, 1, INPUT_HEIGHT, width), np.float32)
    for i, (x, _) in enumerate(items):
        xs[i, 0, :, :x.shape[1]] = x
        xs[i, 0, :, x.shape[1]:] = np.median(x[:, -4:])  # paper colour beyond the line's end
    targets = [torch.tensor([ALPHABET.index(c) for c in t]) for _, t in items]
    return torch.from_numpy(xs), targets, [t for _, t in items], [x.shape[1] // 4 for x, _ in items]


WINDOW_SHARE = 0.9  # batches of cut-out character runs (cheap); the rest whole lines


class Batches(torch.utils.data.IterableDataset):
    """Fresh synthetic batches forever, from one seeded generator in one loader process (deterministic)."""

    def __init__(self, seed, size, fonts):
        self.seed, self.size, self.fonts = seed, size, fonts

    def __iter__(self):
        use_fonts(self.fonts)  # this runs in the loader process
        rng = random.Random(self.seed)
        while True:
            x, targets, _, lens = batch(rng, self.size, windows=rng.random() < WINDOW_SHARE)
            yield x, targets, lens


def greedy(logits):
    out = []
    for seq in logits.argmax(1).tolist():
        s, prev = [], BLANK
        for k in seq:
            if k != prev and k != BLANK:
                s.append(ALPHABET[k])
            prev = k
        out.append("".join(s))
    return out


def evaluate(model, rng, n=128):
    model.eval()
    right = chars = wrong_chars = 0
    with torch.no_grad():
        for _ in range(n // 64):
            x, _, texts, lens = batch(rng, 64)
            for got, want in zip(greedy(model(x)), texts):
                right += got == want
                chars += len(want)
                wrong_chars += sum(a != b for a, b in zip(got, want)) + abs(len(got) - len(want))
    model.train()
    return right / (n // 64 * 64), wrong_chars / chars


def export(model, out_dir, meta):
    """BatchNorm folded into each conv; weights in HWIO order (tfjs conv2d) as float16."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tensors, blob, offset = [], bytearray(), 0
    model.eval()
    for i, b in enumerate(model.blocks):
        conv, bn = b[0], b[1]
        scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
        w = conv.weight * scale[:, None, None, None]
        bias = bn.bias - bn.running_mean * scale
        for name, t in ((f"conv{i}.w", w.permute(2, 3, 1, 0)), (f"conv{i}.b", bias)):
            arr = t.detach().numpy().astype(np.float16)
            tensors.append({"name": name, "shape": list(arr.shape), "offset": offset})
            blob += arr.tobytes()
            offset += arr.size
    for name, t in (("head.w", model.head.weight.permute(2, 3, 1, 0)), ("head.b", model.head.bias)):
        arr = t.detach().numpy().astype(np.float16)
        tensors.append({"name": name, "shape": list(arr.shape), "offset": offset})
        blob += arr.tobytes()
        offset += arr.size
    layers = [{"kernel": [kh, kw], "padH": pad_h, "pool": [ph, pw]} for (_, kh, kw, pad_h, ph, pw) in LAYERS]
    (out_dir / "mrz-ctc.bin").write_bytes(bytes(blob))
    (out_dir / "mrz-ctc.json").write_text(json.dumps({
        "alphabet": ALPHABET, "blank": BLANK, "inputHeight": INPUT_HEIGHT, "stride": 4,
        "normalise": "percentile 1..99 to 0..1 (training/mrz/render.py normalise)",
        "layers": layers, "tensors": tensors, "dtype": "float16", **meta}, indent=1) + "\n")
    model.train()


def save_checkpoint(path, model, opt, step, meta):
    """float32 weights and optimizer state, so that a later run can go on exactly (--resume-from)."""
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "step": step, "meta": {**meta, "steps": step}}, path)


def load_exported(model, model_dir, rng):
    """Loads exported (BatchNorm-folded, float16) weights back into LineNet so that training can go on
    from them. The fold is undone so that train mode (batch statistics) computes what the export does:
    each BatchNorm gets the mean and variance its conv's output has on synthetic lines, and a scale and
    shift that cancel them again. Returns the export's metadata."""
    meta = json.loads((model_dir / "mrz-ctc.json").read_text())
    blob = np.frombuffer((model_dir / "mrz-ctc.bin").read_bytes(), np.float16)
    t = {d["name"]: torch.from_numpy(blob[d["offset"]:d["offset"] + math.prod(d["shape"])].astype(np.float32).reshape(d["shape"]))
         for d in meta["tensors"]}
    stats = {}
    with torch.no_grad():
        for i, b in enumerate(model.blocks):
            conv, bn = b[0], b[1]
            conv.weight.copy_(t[f"conv{i}.w"].permute(3, 2, 0, 1))
            bn.weight.fill_(1.0)  # for the measuring pass: BatchNorm as "plus the folded bias"
            bn.bias.copy_(t[f"conv{i}.b"])
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)
            conv.register_forward_hook(lambda _m, _i, out, i=i: stats.setdefault(i, []).append(out.transpose(0, 1).reshape(out.shape[1], -1)))
        model.head.weight.copy_(t["head.w"].permute(3, 2, 0, 1))
        model.head.bias.copy_(t["head.b"])
        model.eval()
        for _ in range(4):
            model(batch(rng, 16, windows=False)[0])
        for i, b in enumerate(model.blocks):
            conv, bn = b[0], b[1]
            conv._forward_hooks.clear()
            z = torch.cat(stats[i], 1)
            mean, var = z.mean(1), z.var(1, unbiased=False)
            bn.running_mean.copy_(mean)
            bn.running_var.copy_(var)
            bn.weight.copy_(torch.sqrt(var + bn.eps))
            bn.bias.copy_(bn.bias + mean)
    model.train()
    return meta


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=2400)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--stop-after", type=int, default=0, help="end (and export) at this step, on the --steps schedule")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "vision" / "ocr" / "model"))
    ap.add_argument("--resume-from", help="an exported model folder (goes on at its step, fresh optimizer) or a --checkpoint file")
    ap.add_argument("--checkpoint", help="also save a float32 checkpoint (weights, optimizer, step) here at every export")
    ap.add_argument("--fonts", default="ocrb", choices=sorted(FONT_MIXES), help="the font mix lines are drawn in (render.py)")
    ap.add_argument("--evaluate", action="store_true", help="only print the --resume-from model's validation (1024 lines) in each font mix")
    args = ap.parse_args()
    use_fonts(args.fonts)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    val_rng_seed = args.seed + 1000
    model = LineNet()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    start, resumed = 0, None
    from_export = bool(args.resume_from) and not args.resume_from.endswith(".pt")
    if args.resume_from and not from_export:
        ckpt = torch.load(args.resume_from)
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optimizer"])
        start, resumed = ckpt["step"], ckpt["meta"]
    elif from_export:
        resumed = load_exported(model, Path(args.resume_from), random.Random(args.seed + 2000))
        start = resumed["steps"]
    if args.evaluate:
        for mix in FONT_MIXES:
            use_fonts(mix)
            acc, cer = evaluate(model, random.Random(val_rng_seed), 1024)
            print(f"{args.resume_from}, fonts {mix}: validation line accuracy {acc:.4f}, char error {cer:.5f}", flush=True)
        return
    print(f"LineNet: {params} parameters, steps {start + 1}-{args.stop_after or args.steps} of a {args.steps}-step schedule, "
          f"{args.batch} lines a step", flush=True)
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
    started, losses = time.time(), []
    # A resumed run draws other lines than the steps before it did (its own seed), the same every time.
    data_seed = args.seed if start == 0 else args.seed * 1_000_003 + start
    batches = torch.utils.data.DataLoader(Batches(data_seed, args.batch, args.fonts), batch_size=None, num_workers=1, prefetch_factor=4)
    meta = {"seed": args.seed, "schedule": args.steps, **({"fonts": args.fonts} if args.fonts != "ocrb" else {})}
    if resumed:
        meta["resumedFrom"] = {k: resumed[k] for k in ("steps", "schedule", "seed", "fonts", "resumedFrom") if k in resumed}
    for step, (x, targets, lens) in enumerate(batches, start=start + 1):
        if step > (args.stop_after or args.steps):
            break
        # Warm-up (again after a resume from an export: its optimizer state is not kept), then cosine
        # decay over the fixed number of steps.
        warm = (step - start) / 100 if from_export else step / 300
        lr = 2e-3 * min(1.0, warm) * (0.5 * (1 + math.cos(math.pi * step / args.steps)) * 0.98 + 0.02)
        for g in opt.param_groups:
            g["lr"] = lr
        logits = model(x)  # N x C x T
        logp = logits.permute(2, 0, 1).log_softmax(2)
        loss = ctc(logp, torch.cat(targets), torch.tensor(lens), torch.tensor([len(t) for t in targets]))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        losses.append(loss.item())
        if step % 100 == 0 and step % 500:
            print(f"step {step} {(time.time() - started) / 60:.1f} min loss {np.mean(losses[-100:]):.4f}", flush=True)
        if step % 500 == 0:
            elapsed = time.time() - started
            acc, cer = evaluate(model, random.Random(val_rng_seed))
            print(f"step {step} {elapsed / 60:.1f} min lr {lr:.5f} loss {np.mean(losses[-500:]):.4f} "
                  f"val line acc {acc:.3f} char err {cer:.4f}", flush=True)
            export(model, Path(args.out), {"steps": step, "minutes": round(elapsed / 60, 1), **meta})
            save_checkpoint(args.checkpoint, model, opt, step, meta)
    step = args.stop_after or args.steps
    acc, cer = evaluate(model, random.Random(val_rng_seed), 1024)
    export(model, Path(args.out), {"steps": step, "minutes": round((time.time() - started) / 60, 1), **meta,
                                   "validation": {"lines": 1024, "lineAccuracy": acc, "charErrorRate": cer}})
    save_checkpoint(args.checkpoint, model, opt, step, meta)
    print(f"done: {step} of {args.steps} scheduled steps in {(time.time() - started) / 60:.1f} min; validation line accuracy {acc:.4f}, char error {cer:.5f}")


if __name__ == "__main__":
    main()
