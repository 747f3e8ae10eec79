#!/usr/bin/python3
"""Reference for `seer bench --workload grpo|stage2`: one Stage-2 (RLMT) GRPO step done TRL's way, in PyTorch.

Debian's python3-torch (1.13, CPU) + libopenblas0-pthread; run with the system interpreter:
    /usr/bin/python3 src/bench/torch_stage2_step.py --threads 1 --record '[{"contexts": [...], ...}, ...]'
TRL's GRPOTrainer on one step, with the Stage-2 reward as a plain reward function around HF-style
`generate` calls:
  - rollout: each prompt repeated G times (the B rows), left-padded to the longest; KV-cache
    decode (prefill, the head at the last position only, then one token per row per step until the
    longest completion), temperature 1, top-p 1, text tokens only;
  - reward, images: the reward function's two `generate` calls — one image per completion from its
    reprompt and one from the naive `instruction + prompt` per completion (TRL knows nothing of the
    G completions sharing a naive image, so nothing is deduplicated) — 64 image codes each, KV
    cache, temperature 0.7, HF's top-p 0.9 warper, image codes only, by the frozen generator;
  - reward, judge: the frozen judge prefills its contexts (two 64-code images + text), decodes
    greedily until the longest measured answer, then scores the answers 'a </answer>' and
    'b </answer>' after each context + reasoning with one full forward per (query, answer) row;
  - reference and policy per-token log-probs from a full forward over prompt + completion with the
    head only on the completion positions (`logits_to_keep`); the GRPO loss with β·k3 KL, backward,
    grad clipping 1.0, AdamW.
Every length (rollout contexts and completions, generate contexts, judge contexts and answers,
scoring contexts) comes from seer's own run (`--record`, one object per step, src/bench/grpo.ts),
so both do the same token work. Token ids are random: only the shapes matter for the time. Pad
positions are computed like real ones, as TRL's are (it masks them; the mask does not change the
work), so each batch costs its longest row's length.
"""
import argparse
import json
import time

import torch

from torch_grpo_step import Model, grpo_update, token_logps  # SEER-Mini's transformer with a KV cache; TRL's per-token log-probs and GRPO update

NEG = float("-inf")


def top_p(logits, p):
    """HF's TopPLogitsWarper on [N, V]: drop the low tail whose mass is at most 1 − p (the top token always stays)."""
    ordered, index = logits.sort(-1)  # ascending
    remove = ordered.softmax(-1).cumsum(-1) <= 1 - p  # [N, V], in sorted order
    remove[:, -1] = False
    return logits.masked_fill(remove.scatter(1, index, remove), NEG)


def decode(model, ids, steps, choose):
    """HF-style KV-cache generation: prefill ids [N, P], then `steps` tokens per row; returns [N, steps]."""
    logits, past = model(ids, keep=1)  # [N, 1, V]
    P = ids.shape[1]
    out = []
    for t in range(steps):
        nxt = choose(logits[:, -1])  # [N, 1]
        out.append(nxt)
        if t < steps - 1:
            logits, past = model(nxt, start=P + t, past=past)
    return torch.cat(out, 1)


def rows(lengths, V):
    """Random token rows left-padded to the longest length: [N, max(lengths)]."""
    return torch.randint(0, V, (len(lengths), max(lengths)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--vocab", type=int, default=906)
    p.add_argument("--text-vocab", type=int, default=650)
    p.add_argument("--d", type=int, default=128)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--G", type=int, default=8)
    p.add_argument("--beta", type=float, default=0.04)
    p.add_argument("--lr", type=float, default=5e-5)
    p.add_argument("--image-codes", type=int, default=64)
    p.add_argument("--record", required=True, help="JSON: per step, what seer's step did (src/bench/grpo.ts Stage2StepRecord)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    record = json.loads(a.record)
    V, TV = a.vocab, a.text_vocab
    need = max(
        max(
            max(s["contexts"]) + max(s["completions"]),
            max([max(c) for c in s["imageCalls"] if c] + [0]) + a.image_codes,
            max(s["judgeContexts"] + [0]) + max(s["judgeOutputs"] + [0]),
            max(s["scoreContexts"] + [0]) + max(s["answerLengths"] + [0]),
        )
        for s in record
    )
    ctx = max(256, need)
    policy = Model(V, a.d, a.layers, a.heads, ctx)
    reference = Model(V, a.d, a.layers, a.heads, ctx)
    reference.load_state_dict(policy.state_dict())
    generator = Model(V, a.d, a.layers, a.heads, ctx)  # the frozen base generator
    judge = Model(V, a.d, a.layers, a.heads, ctx)  # the frozen Stage-1 evaluator
    for frozen in (reference, generator, judge):
        for q in frozen.parameters():
            q.requires_grad_(False)
    params = list(policy.parameters())
    opt = torch.optim.AdamW(params, lr=a.lr, weight_decay=0.0)

    def text_only(logits):  # [N, V] → [N, V], image codes masked (seer's sampleText)
        return logits.masked_fill(torch.arange(V) >= TV, NEG)

    def sample_text(logits):  # temperature 1, top-p 1: [N, V] → [N, 1]
        return torch.multinomial(text_only(logits).softmax(-1), 1)

    def sample_image(logits):  # temperature 0.7, top-p 0.9, image codes only: [N, V] → [N, 1]
        codes = logits.masked_fill(torch.arange(V) < TV, NEG) / 0.7
        return torch.multinomial(top_p(codes, 0.9).softmax(-1), 1)

    def greedy_text(logits):  # the judge decodes at temperature 0: [N, V] → [N, 1]
        return text_only(logits).argmax(-1, keepdim=True)

    out = []
    for s in record:
        B = len(s["completions"])
        assert len(s["contexts"]) == B and B % a.G == 0, f"need B rows (a multiple of G = {a.G}), got {len(s['contexts'])} contexts and {B} completions"
        t0 = time.perf_counter()
        prompts = rows(s["contexts"], V)  # [B, P]
        C = max(s["completions"])
        with torch.no_grad():
            completion = decode(policy, prompts, C, sample_text)  # [B, C]
        t1 = time.perf_counter()
        with torch.no_grad():
            for call in s["imageCalls"]:  # reprompt images, then naive images
                if call:
                    decode(generator, rows(call, V), a.image_codes, sample_image)  # [N, 64] codes
        t2 = time.perf_counter()
        with torch.no_grad():
            if s["judgeContexts"]:
                decode(judge, rows(s["judgeContexts"], V), max(s["judgeOutputs"]), greedy_text)  # [Q, longest answer]
            if s["scoreContexts"]:
                A = max(s["answerLengths"])
                scored = [n + A for n in s["scoreContexts"] for _ in s["answerLengths"]]  # one row per (query, answer)
                token_logps(judge, rows(scored, V), A)  # [Q·2, A]
        t3 = time.perf_counter()
        ids = torch.cat([prompts, completion], 1)  # [B, P + C]
        reference_s, update_s = grpo_update(policy, reference, opt, params, ids, C, s["completions"], a.G, a.beta)
        out.append({"step": time.perf_counter() - t0, "rollout": t1 - t0, "reward": t3 - t1, "images": t2 - t1, "judge": t3 - t2, "reference": reference_s, "update": update_s})
    rest = out[1:] if len(out) > 1 else out
    median = {k: sorted(r[k] for r in rest)[len(rest) // 2] for k in out[0]}
    print(json.dumps({"threads": a.threads, "steps": out, "median": median}))


if __name__ == "__main__":
    main()
