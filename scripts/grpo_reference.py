#!/usr/bin/env python3
"""Independent reference for `seer rl check`: GRPO advantages, loss, KL and clip ratio written
from TRL's GRPOTrainer / verl's core_algos definitions in plain Python (no seer code, no torch).

    python3 scripts/grpo_reference.py VECTORS.json RESULTS.json
"""
import json
import math
import sys


def std(values):
    if len(values) < 2:
        return float("nan")
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


def advantages(rewards, G, scale):
    out = []
    finite = [r for r in rewards if r is not None]
    batch_std = std(finite)
    for start in range(0, len(rewards), G):
        group = rewards[start:start + G]
        vals = [r for r in group if r is not None]
        mean = sum(vals) / len(vals) if vals else 0.0
        gstd = std(vals)
        for r in group:
            if r is None:
                out.append(0.0)
                continue
            a = r - mean
            if scale == "group":
                a = a / ((0.0 if math.isnan(gstd) else gstd) + 1e-4)
            elif scale == "batch":
                a = a / ((0.0 if math.isnan(batch_std) else batch_std) + 1e-4)
            out.append(a)
    return out


def kl(logp, ref, est):
    d = ref - logp
    if est == "k1":
        return -d
    if est == "k2":
        return 0.5 * d * d
    return math.exp(d) - d - 1.0


def run_case(c):
    cfg = c["config"]
    eps = cfg["epsilon"]
    eps_hi = cfg["epsilon_high"] if cfg["epsilon_high"] is not None else eps
    A = advantages(c["rewards"], c["group_size"], cfg["scale_rewards"])
    B, T = len(c["rewards"]), c["max_completion_length"]
    per_token = [[0.0] * T for _ in range(B)]
    kls, clipped = [], 0
    for b in range(B):
        for t in range(T):
            if c["mask"][b][t] == 0:
                continue
            log_ratio = max(-20.0, min(20.0, c["logp"][b][t] - c["old_logp"][b][t]))
            r = math.exp(log_ratio)
            loss = -min(r * A[b], min(max(r, 1 - eps), 1 + eps_hi) * A[b])
            k = kl(c["logp"][b][t], c["ref_logp"][b][t], cfg["kl_estimator"])
            kls.append(k)
            if cfg["beta"] != 0:
                loss += cfg["beta"] * k
            per_token[b][t] = loss
            if (r < 1 - eps and A[b] < 0) or (r > 1 + eps_hi and A[b] > 0):
                clipped += 1
    tokens = [sum(row) for row in c["mask"]]
    total = sum(tokens)
    sums = [sum(per_token[b]) for b in range(B)]
    lt = cfg["loss_type"]
    if lt == "grpo":
        # TRL: mean over all B rows of (row sum / max(1, row tokens)).
        loss = sum(sums[b] / max(1, tokens[b]) for b in range(B)) / B
    elif lt == "bnpo" or lt == "dapo":
        loss = sum(sums) / max(1, total)
    else:  # dr_grpo
        loss = sum(sums) / (B * T)
    return {"advantages": A, "loss": loss, "kl": sum(kls) / max(1, total), "clip_ratio": clipped / max(1, total)}


def main():
    cases = json.load(open(sys.argv[1]))["cases"]
    json.dump({"results": [run_case(c) for c in cases]}, open(sys.argv[2], "w"), indent=2)


if __name__ == "__main__":
    main()
