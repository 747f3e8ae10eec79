#!/usr/bin/python3
"""Reference for `seer bench --workload grpo`: one Stage-1 GRPO step done TRL's way, in PyTorch.

Debian's python3-torch (1.13, CPU) + libopenblas0-pthread; run with the system interpreter:
    /usr/bin/python3 src/bench/torch_grpo_step.py --threads 1 --lengths '[[12, 9, ...], ...]'
TRL's GRPOTrainer on one step: each prompt repeated G times; generation with a KV cache (prefill
of the whole batch, the head at the last position only, then one token per row per step until the
longest completion, temperature 1, top-p 1); reference and policy per-token log-probs from a full
forward over prompt + completion with the head only on the completion positions (TRL's
`logits_to_keep`); the GRPO loss with β·k3 KL, backward, grad clipping 1.0, AdamW. The model is
SEER-Mini's (src/model/transformer.ts: pre-norm, learned positions, GELU(tanh) MLP, untied head).
Completion lengths come from seer's own run (`--lengths`, one list of B per step), so both do the
same token work.
"""
import argparse
import json
import time

import torch

from torch_step import Block  # the same block as the training-step reference, with a KV cache


class Model(torch.nn.Module):
    def __init__(self, V, d, layers, heads, ctx):
        super().__init__()
        self.emb = torch.nn.Embedding(V, d)
        self.pos = torch.nn.Embedding(ctx, d)
        self.blocks = torch.nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.lnf = torch.nn.LayerNorm(d)
        self.head = torch.nn.Linear(d, V, bias=False)

    def forward(self, ids, start=0, past=None, keep=None):
        T = ids.shape[1]
        x = self.emb(ids) + self.pos(torch.arange(start, start + T))[None]
        mask = torch.ones(T, start + T, dtype=torch.bool).triu(start + 1)  # keys after each query
        new = []
        for i, blk in enumerate(self.blocks):
            x, kv = blk.attend(x, mask, None if past is None else past[i])
            new.append(kv)
        h = self.lnf(x if keep is None else x[:, -keep:])
        return self.head(h), new


def token_logps(model, ids, C):
    # logits_to_keep = C + 1, drop the last: the positions that predict the C completion tokens.
    logits = model(ids, keep=C + 1)[0][:, :-1]
    return logits.log_softmax(-1).gather(2, ids[:, -C:, None])[..., 0]


def grpo_update(policy, reference, opt, params, ids, C, lengths, G, beta):
    """TRL's GRPO update on rows `ids` [B, P + C] whose completions have `lengths`: advantages of
    random rewards per group of G, reference log-probs, then policy log-probs, loss, backward, clip,
    AdamW. Returns the seconds of (reference, update)."""
    t0 = time.perf_counter()
    B = ids.shape[0]
    mask = (torch.arange(C)[None] < torch.tensor(lengths)[:, None]).float()  # [B, C]
    grouped = torch.rand(B).view(B // G, G)
    adv = ((grouped - grouped.mean(1, keepdim=True)) / (grouped.std(1, keepdim=True) + 1e-4)).view(B, 1)
    with torch.no_grad():
        ref = token_logps(reference, ids, C)  # [B, C]
    t1 = time.perf_counter()
    logp = token_logps(policy, ids, C)  # [B, C]
    ratio = torch.exp(logp - logp.detach())
    kl = torch.exp(ref - logp) - (ref - logp) - 1
    per_token = -(ratio * adv) + beta * kl
    loss = ((per_token * mask).sum(1) / mask.sum(1).clamp(min=1)).mean()
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    return t1 - t0, time.perf_counter() - t1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--vocab", type=int, default=906)
    p.add_argument("--d", type=int, default=128)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--prompts", type=int, default=4)
    p.add_argument("--G", type=int, default=8)
    p.add_argument("--prompt-len", type=int, default=178)
    p.add_argument("--beta", type=float, default=0.04)
    p.add_argument("--lengths", required=True, help="JSON: per step, the B completion lengths")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    lengths = json.loads(a.lengths)
    B = a.prompts * a.G
    policy = Model(a.vocab, a.d, a.layers, a.heads, 256)
    reference = Model(a.vocab, a.d, a.layers, a.heads, 256)
    reference.load_state_dict(policy.state_dict())
    for q in reference.parameters():
        q.requires_grad_(False)
    params = list(policy.parameters())
    opt = torch.optim.AdamW(params, lr=3e-4, weight_decay=0.0)
    rows = []
    for step_lengths in lengths:
        assert len(step_lengths) == B, f"need {B} lengths per step"
        t0 = time.perf_counter()
        prompts = torch.randint(0, a.vocab, (a.prompts, a.prompt_len)).repeat_interleave(a.G, 0)  # [B, P]
        C = max(step_lengths)
        with torch.no_grad():  # rollout: prefill, then one token per row per step
            logits, past = policy(prompts, keep=1)
            tokens = []
            for t in range(C):
                nxt = torch.multinomial(logits[:, -1].softmax(-1), 1)  # [B, 1]
                tokens.append(nxt)
                if t < C - 1:
                    logits, past = policy(nxt, start=a.prompt_len + t, past=past)
            completion = torch.cat(tokens, 1)  # [B, C]
        t1 = time.perf_counter()
        ids = torch.cat([prompts, completion], 1)  # [B, P + C]
        reference_s, update_s = grpo_update(policy, reference, opt, params, ids, C, step_lengths, a.G, a.beta)
        rows.append({"step": time.perf_counter() - t0, "rollout": t1 - t0, "reference": reference_s, "update": update_s})
    rest = rows[1:] if len(rows) > 1 else rows
    median = {k: sorted(r[k] for r in rest)[len(rest) // 2] for k in rows[0]}
    print(json.dumps({"threads": a.threads, "steps": rows, "median": median}))


if __name__ == "__main__":
    main()
