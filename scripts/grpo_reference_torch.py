#!/usr/bin/python3
"""PyTorch reference for `seer rl check`: the GRPO advantages, loss, KL and clip ratio written as
tensor code in the shape of TRL's GRPOTrainer (`_compute_loss`) and verl's `core_algos`, with the
gradient d loss / d logp taken by autograd — nothing shared with seer's TypeScript, so agreement
checks both the formulas and seer's hand-derived gradient.

    /usr/bin/python3 scripts/grpo_reference_torch.py VECTORS.json RESULTS.json [--grad]

Debian's python3-torch (1.13, CPU) is enough. float64 throughout. Groups are consecutive blocks
of `group_size` rows (TRL's `rewards.view(-1, G)`); null rewards are NaN, left out of the group
statistics and given advantage 0 (seer's rule; TRL instead nansums them to 0 across functions).
"""
import json
import sys

import torch

torch.set_default_dtype(torch.float64)
STD_EPS = 1e-4
LOG_RATIO_CLAMP = 20.0


def nan_std(x, dim=None):
    """Bessel std ignoring NaN; 0 where fewer than two values."""
    valid = ~torch.isnan(x)
    n = valid.sum(dim) if dim is not None else valid.sum()
    mean = torch.nansum(x, dim) / n.clamp(min=1) if dim is not None else torch.nansum(x) / n.clamp(min=1)
    centred = torch.where(valid, x - (mean.unsqueeze(dim) if dim is not None else mean), torch.zeros_like(x))
    var = (centred ** 2).sum(dim) / (n - 1).clamp(min=1) if dim is not None else (centred ** 2).sum() / (n - 1).clamp(min=1)
    return torch.where(n >= 2, var.sqrt(), torch.zeros_like(var))


def advantages(rewards, group_size, scale):
    r = torch.tensor([float("nan") if x is None else float(x) for x in rewards])
    grouped = r.view(-1, group_size)
    valid = ~torch.isnan(grouped)
    mean = torch.nansum(grouped, 1) / valid.sum(1).clamp(min=1)
    adv = grouped - mean.unsqueeze(1)
    if scale == "group":
        adv = adv / (nan_std(grouped, 1).unsqueeze(1) + STD_EPS)
    elif scale == "batch":
        adv = adv / (nan_std(r) + STD_EPS)
    adv = torch.where(valid, adv, torch.zeros_like(adv))
    return adv.reshape(-1)


def per_token_kl(logp, ref, estimator):
    log_ratio = logp - ref  # log pi / pi_ref
    if estimator == "k1":
        return log_ratio
    if estimator == "k2":
        return 0.5 * log_ratio ** 2
    return torch.exp(-log_ratio) + log_ratio - 1.0  # k3 (Schulman): e^(ref-logp) - (ref-logp) - 1


def run_case(case, with_grad):
    cfg = case["config"]
    eps_low = cfg["epsilon"]
    eps_high = cfg["epsilon_high"] if cfg["epsilon_high"] is not None else eps_low
    A = advantages(case["rewards"], case["group_size"], cfg["scale_rewards"])
    logp = torch.tensor(case["logp"], requires_grad=True)
    old = torch.tensor(case["old_logp"])
    ref = torch.tensor(case["ref_logp"])
    mask = torch.tensor(case["mask"], dtype=torch.float64)
    B, T = logp.shape

    coef_1 = torch.exp(torch.clamp(logp - old, -LOG_RATIO_CLAMP, LOG_RATIO_CLAMP))
    coef_2 = torch.clamp(coef_1, 1 - eps_low, 1 + eps_high)
    adv = A.unsqueeze(1)
    per_token_loss = -torch.min(coef_1 * adv, coef_2 * adv)
    kl = per_token_kl(logp, ref, cfg["kl_estimator"])
    if cfg["beta"] != 0:
        per_token_loss = per_token_loss + cfg["beta"] * kl

    lt = cfg["loss_type"]
    if lt == "grpo":
        loss = ((per_token_loss * mask).sum(-1) / mask.sum(-1).clamp(min=1.0)).mean()
    elif lt == "bnpo":
        loss = (per_token_loss * mask).sum() / mask.sum().clamp(min=1.0)
    elif lt == "dr_grpo":
        loss = (per_token_loss * mask).sum() / (B * case["max_completion_length"])
    elif lt == "dapo":  # normaliser: active tokens of the generation batch (here: this case)
        loss = (per_token_loss * mask).sum() / mask.sum().clamp(min=1.0)
    else:
        raise ValueError(f"unknown loss_type {lt}")
    loss.backward()

    with torch.no_grad():
        tokens = mask.sum().clamp(min=1.0)
        is_low = (coef_1 < 1 - eps_low) & (adv < 0)
        is_high = (coef_1 > 1 + eps_high) & (adv > 0)
        out = {
            "advantages": A.tolist(),
            "loss": loss.item(),
            "kl": ((kl * mask).sum() / tokens).item(),
            "clip_ratio": (((is_low | is_high).double() * mask).sum() / tokens).item(),
        }
    if with_grad:
        out["grad_logp"] = logp.grad.tolist()
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit("usage: grpo_reference_torch.py VECTORS.json RESULTS.json [--grad]")
    with open(args[0]) as f:
        cases = json.load(f)["cases"]
    results = [run_case(c, "--grad" in sys.argv) for c in cases]
    with open(args[1], "w") as f:
        json.dump({"results": results}, f, indent=2)


if __name__ == "__main__":
    main()
