#!/usr/bin/python3
"""Reference for `seer bench`: the same decoder training step in PyTorch on this machine.

Debian's python3-torch (1.13, CPU) + libopenblas0-pthread; run with the system interpreter:
    /usr/bin/python3 src/bench/torch_step.py --threads 2 [--vocab 2500 --batch 16 --seq 200]
Same model as src/model/transformer.ts (pre-norm, learned positions, GELU(tanh) MLP, untied head),
same loss (per-token policy-gradient style: −mean(logp(next) · advantage)), AdamW + grad clipping.
"""
import argparse
import json
import math
import time

import torch


class Block(torch.nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.ln1 = torch.nn.LayerNorm(d)
        self.qkv = torch.nn.Linear(d, 3 * d)
        self.proj = torch.nn.Linear(d, d)
        self.ln2 = torch.nn.LayerNorm(d)
        self.fc = torch.nn.Linear(d, 4 * d)
        self.out = torch.nn.Linear(4 * d, d)

    def forward(self, x, mask):
        return self.attend(x, mask)[0]

    def attend(self, x, mask, past=None):
        """The block with an optional KV cache `past` = (k, v); returns the output and (k, v)."""
        B, T, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (t.view(B, T, self.h, d // self.h).transpose(1, 2) for t in (q, k, v))
        if past is not None:
            k, v = torch.cat([past[0], k], 2), torch.cat([past[1], v], 2)
        att = (q @ k.transpose(2, 3)) / math.sqrt(d // self.h)
        att = att.masked_fill(mask, -1e9).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, d)
        x = x + self.proj(y)
        return x + self.out(torch.nn.functional.gelu(self.fc(self.ln2(x)), approximate="tanh")), (k, v)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--vocab", type=int, default=2500)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--seq", type=int, default=200)
    p.add_argument("--d", type=int, default=128)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--steps", type=int, default=6)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    d, V, B, S = a.d, a.vocab, a.batch, a.seq
    emb = torch.nn.Embedding(V, d)
    pos = torch.nn.Embedding(max(256, S), d)
    blocks = torch.nn.ModuleList([Block(d, 4) for _ in range(a.layers)])
    lnf = torch.nn.LayerNorm(d)
    head = torch.nn.Linear(d, V, bias=False)
    params = [*emb.parameters(), *pos.parameters(), *blocks.parameters(), *lnf.parameters(), *head.parameters()]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.01)
    ids = torch.randint(0, V, (B, S))
    adv = torch.rand(B, S - 1) * 2 - 1
    mask = torch.ones(S, S, dtype=torch.bool).triu(1)
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        x = emb(ids) + pos(torch.arange(S))[None]
        for blk in blocks:
            x = blk(x, mask)
        logp = head(lnf(x))[:, :-1].log_softmax(-1).gather(2, ids[:, 1:, None])[..., 0]
        loss = -(logp * adv).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        times.append(time.perf_counter() - t0)
    measured = sorted(times[1:])
    print(json.dumps({"threads": a.threads, "shape": [d, a.layers, V, B, S], "stepSeconds": times, "median": measured[len(measured) // 2]}))


if __name__ == "__main__":
    main()
