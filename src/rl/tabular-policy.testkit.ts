/**
 * A tiny autoregressive policy with hand-written gradients, implementing `PolicyModel`:
 *
 *   next token ~ softmax(W[previous token] + bias)        W: [V, V], bias: [V]
 *
 * Two parameter groups ('table' = W, 'bias') so frozen groups can be tested the way SEER freezes
 * its generator. AdamW (decoupled weight decay, bias-corrected moments), global grad-norm clipping.
 * It lets the trainer be tested — and shown to learn — without a tensor engine: the GRPO learning
 * test (./trainer.test.ts) trains it to emit a target pattern. Not a model of anything in the paper.
 */
import { Rng } from '../core/rng.ts';
import { SeerError } from '../core/errors.ts';
import type { Completion, LogProbs, OptimizerStep, ParameterGroup, PolicyModel, SamplingOptions, TokenRows } from './policy.ts';

const GROUPS = ['table', 'bias'] as const;
type GroupName = (typeof GROUPS)[number];

export class TabularPolicy implements PolicyModel {
  readonly vocab: number;
  readonly eos: number;
  /** All parameters: W [V·V] then bias [V]. */
  private weights: Float64Array;
  private grad: Float64Array;
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;
  private frozen = new Set<GroupName>();

  constructor(vocab: number, eos: number, seed = 0) {
    this.vocab = vocab;
    this.eos = eos;
    const rng = new Rng(seed);
    const n = vocab * vocab + vocab;
    this.weights = Float64Array.from({ length: n }, (_, i) => (i < vocab * vocab ? rng.normal() * 0.01 : 0));
    this.grad = new Float64Array(n);
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
  }

  private groupOf(i: number): GroupName {
    return i < this.vocab * this.vocab ? 'table' : 'bias';
  }

  /** softmax((W[previous] + bias) / temperature) */
  private probs(previous: number, temperature = 1): Float64Array {
    const V = this.vocab;
    const logits = new Float64Array(V);
    let max = -Infinity;
    for (let k = 0; k < V; k++) {
      logits[k] = ((this.weights[previous * V + k] as number) + (this.weights[V * V + k] as number)) / temperature;
      max = Math.max(max, logits[k] as number);
    }
    let sum = 0;
    for (let k = 0; k < V; k++) {
      logits[k] = Math.exp((logits[k] as number) - max);
      sum += logits[k] as number;
    }
    for (let k = 0; k < V; k++) logits[k] = (logits[k] as number) / sum;
    return logits;
  }

  async sample(contexts: readonly (readonly number[])[], options: SamplingOptions): Promise<Completion[]> {
    return contexts.map((context, i) => {
      const rng = new Rng(options.seed).fork(i);
      const tokens: number[] = [];
      let previous = context[context.length - 1] ?? this.eos;
      for (let n = 0; n < options.maxNewTokens; n++) {
        const p = nucleus(this.probs(previous, options.temperature), options.topP);
        let r = rng.next();
        let token = this.vocab - 1;
        for (let k = 0; k < this.vocab; k++) {
          r -= p[k] as number;
          if (r <= 0) {
            token = k;
            break;
          }
        }
        tokens.push(token);
        if (token === this.eos) return { tokens, truncated: false };
        previous = token;
      }
      return { tokens, truncated: true };
    });
  }

  async logProbs(rows: TokenRows, options: { grad: boolean }): Promise<LogProbs> {
    const logp: Float64Array[] = [];
    const entropy: Float64Array[] = [];
    const cache: { previous: number; token: number; p: Float64Array }[][] = [];
    rows.completions.forEach((completion, b) => {
      const context = rows.contexts[b] as readonly number[];
      let previous = context[context.length - 1] ?? this.eos;
      const lp = new Float64Array(completion.length);
      const ent = new Float64Array(completion.length);
      const steps: { previous: number; token: number; p: Float64Array }[] = [];
      completion.forEach((token, t) => {
        const p = this.probs(previous);
        lp[t] = Math.log(p[token] as number);
        ent[t] = -p.reduce((s, x) => s + (x > 0 ? x * Math.log(x) : 0), 0);
        steps.push({ previous, token, p });
        previous = token;
      });
      logp.push(lp);
      entropy.push(ent);
      cache.push(steps);
    });
    const V = this.vocab;
    return {
      logp,
      entropy,
      backward: (grad) => {
        if (!options.grad) throw new SeerError('internal', 'backward() on log-probs computed without grad');
        // d logp(token) / d logit_k = [k = token] − p_k; the logit is W[previous][k] + bias[k].
        cache.forEach((steps, b) =>
          steps.forEach(({ previous, token, p }, t) => {
            const g = (grad[b] as readonly number[])[t] ?? 0;
            if (g === 0) return;
            for (let k = 0; k < V; k++) {
              const d = g * ((k === token ? 1 : 0) - (p[k] as number));
              if (!this.frozen.has('table')) this.grad[previous * V + k] = (this.grad[previous * V + k] as number) + d;
              if (!this.frozen.has('bias')) this.grad[V * V + k] = (this.grad[V * V + k] as number) + d;
            }
          }),
        );
      },
    };
  }

  zeroGrad(): void {
    this.grad.fill(0);
  }

  step(options: OptimizerStep): number {
    const norm = Math.sqrt(this.grad.reduce((s, g) => s + g * g, 0));
    const scale = options.maxGradNorm > 0 && norm > options.maxGradNorm ? options.maxGradNorm / norm : 1;
    this.t++;
    const c1 = 1 - 0.9 ** this.t;
    const c2 = 1 - 0.999 ** this.t;
    for (let i = 0; i < this.weights.length; i++) {
      if (this.frozen.has(this.groupOf(i))) continue;
      const g = (this.grad[i] as number) * scale;
      this.m[i] = 0.9 * (this.m[i] as number) + 0.1 * g;
      this.v[i] = 0.999 * (this.v[i] as number) + 0.001 * g * g;
      this.weights[i] = (this.weights[i] as number) * (1 - options.lr * options.weightDecay) - (options.lr * ((this.m[i] as number) / c1)) / (Math.sqrt((this.v[i] as number) / c2) + 1e-8);
    }
    return norm;
  }

  parameterGroups(): ParameterGroup[] {
    const V = this.vocab;
    return [
      { name: 'table', size: V * V, frozen: this.frozen.has('table') },
      { name: 'bias', size: V, frozen: this.frozen.has('bias') },
    ];
  }

  setFrozen(groups: readonly string[]): void {
    for (const g of groups) if (!(GROUPS as readonly string[]).includes(g)) throw new SeerError('bad_config', `unknown parameter group "${g}" (this model has: ${GROUPS.join(', ')})`);
    this.frozen = new Set(groups as GroupName[]);
  }

  /** The raw parameters (W then bias), for tests. */
  parameters(): Float64Array {
    return this.weights.slice();
  }

  async snapshot(): Promise<PolicyModel> {
    const copy = new TabularPolicy(this.vocab, this.eos);
    await copy.loadState(await this.saveState());
    copy.setFrozen(['table', 'bias']);
    return copy;
  }

  async saveState(): Promise<Uint8Array> {
    const n = this.weights.length;
    const all = new Float64Array(3 * n + 1);
    all.set(this.weights, 0);
    all.set(this.m, n);
    all.set(this.v, 2 * n);
    all[3 * n] = this.t;
    return new Uint8Array(all.buffer);
  }

  async loadState(state: Uint8Array): Promise<void> {
    const n = this.weights.length;
    if (state.byteLength !== (3 * n + 1) * 8) throw new SeerError('bad_file', `tabular policy state has ${state.byteLength} bytes, expected ${(3 * n + 1) * 8} (vocab ${this.vocab})`);
    const all = new Float64Array(state.buffer.slice(state.byteOffset, state.byteOffset + state.byteLength));
    this.weights = all.slice(0, n);
    this.m = all.slice(n, 2 * n);
    this.v = all.slice(2 * n, 3 * n);
    this.t = all[3 * n] as number;
  }
}

/** Keep the smallest set of tokens whose mass reaches `topP`, renormalised. */
export function nucleus(p: Float64Array, topP: number): Float64Array {
  if (topP >= 1) return p;
  const order = Array.from(p.keys()).sort((a, b) => (p[b] as number) - (p[a] as number));
  const out = new Float64Array(p.length);
  let mass = 0;
  for (const k of order) {
    out[k] = p[k] as number;
    mass += p[k] as number;
    if (mass >= topP) break;
  }
  for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) / mass;
  return out;
}
