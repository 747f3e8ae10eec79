/**
 * `seer rl check --in VECTORS.json --out RESULTS.json [--grad]`: evaluates the GRPO algorithm
 * functions on numbers given from outside, so any reference implementation (TRL, verl, the scripts
 * scripts/grpo_reference.py and scripts/grpo_reference_torch.py) can be compared value by value.
 * Rows are grouped in consecutive blocks of `group_size`; a null reward is a reward that could not
 * be computed (advantage 0). With `--grad` each result also carries `grad_logp` [B][T], the
 * analytic d loss / d logp that the trainer hands to the model (compare with autograd).
 * Example input: scripts/grpo_vectors.example.json. Not part of the paper.
 */
import { z } from 'zod';
import { groupAdvantages, KL_ESTIMATORS, LOSS_TYPES, policyLoss, SCALE_REWARDS } from './core.ts';
import { SeerError } from '../core/errors.ts';

const matrix = z.array(z.array(z.number()));

export const checkCaseSchema = z
  .object({
    config: z.object({
      loss_type: z.enum(LOSS_TYPES),
      beta: z.number().nonnegative(),
      epsilon: z.number().positive(),
      epsilon_high: z.number().positive().nullable(),
      scale_rewards: z.enum(SCALE_REWARDS),
      kl_estimator: z.enum(KL_ESTIMATORS),
    }),
    group_size: z.number().int().min(2),
    max_completion_length: z.number().int().positive(),
    rewards: z.array(z.number().nullable()),
    logp: matrix,
    old_logp: matrix,
    ref_logp: matrix,
    mask: z.array(z.array(z.union([z.literal(0), z.literal(1)]))),
  })
  .superRefine((c, ctx) => {
    const B = c.rewards.length;
    if (B % c.group_size !== 0) ctx.addIssue({ code: 'custom', message: `rewards has ${B} rows, not a multiple of group_size ${c.group_size}` });
    for (const key of ['logp', 'old_logp', 'ref_logp', 'mask'] as const) {
      if (c[key].length !== B) ctx.addIssue({ code: 'custom', path: [key], message: `${key} has ${c[key].length} rows, rewards has ${B}` });
      c[key].forEach((row, i) => {
        if (row.length !== c.max_completion_length) ctx.addIssue({ code: 'custom', path: [key, i], message: `row ${i} has ${row.length} tokens, max_completion_length is ${c.max_completion_length}` });
      });
    }
  });

export const checkInputSchema = z.object({ cases: z.array(checkCaseSchema).min(1) });
export type CheckInput = z.infer<typeof checkInputSchema>;

export interface CheckResult {
  advantages: number[];
  loss: number;
  kl: number;
  clip_ratio: number;
  grad_logp?: number[][];
}

/** `cases.0.logp.3` → `cases[0].logp[3]` */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(root)';
}

export function runCheck(input: unknown, options: { grad?: boolean; source?: string } = {}): { results: CheckResult[] } {
  const parsed = checkInputSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const shown = issues.slice(0, 5).map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ');
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    throw new SeerError('bad_input', `${options.source ?? 'vectors'}: ${shown}${more}. Expected {"cases":[{"config":{"loss_type","beta","epsilon","epsilon_high","scale_rewards","kl_estimator"},"group_size","max_completion_length","rewards","logp","old_logp","ref_logp","mask"}]}; see scripts/grpo_vectors.example.json`, { cause: parsed.error });
  }
  return {
    results: parsed.data.cases.map((c) => {
      const rewards = c.rewards.map((r) => (r === null ? Number.NaN : r));
      const ids = rewards.map((_, i) => String(Math.floor(i / c.group_size)));
      const { advantages } = groupAdvantages(rewards, ids, c.config.scale_rewards);
      const out = policyLoss(
        { logp: c.logp, oldLogp: c.old_logp, refLogp: c.ref_logp, mask: c.mask, advantages, maxCompletionLength: c.max_completion_length },
        { lossType: c.config.loss_type, beta: c.config.beta, epsilon: c.config.epsilon, epsilonHigh: c.config.epsilon_high, klEstimator: c.config.kl_estimator },
      );
      const result: CheckResult = { advantages, loss: out.loss, kl: out.kl, clip_ratio: out.clipRatio.region };
      if (options.grad) result.grad_logp = out.grad;
      return result;
    }),
  };
}
