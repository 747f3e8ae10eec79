/**
 * A tiny autoregressive policy with hand-written gradients — next token ~ softmax(W[previous
 * token]) — implementing `PolicyModel`. It lets the trainer be tested (and learned from) without a
 * tensor engine: the GRPO learning test trains it to emit a target pattern.
 */
import { Rng } from '../core/rng.ts';
import type { Completion, LogProbs, OptimizerStep, PolicyModel, SamplingOptions, TokenRows } from './policy.ts';

export class TabularPolicy implements PolicyModel {
  readonly vocab: number;
  readonly eos: number;
  /** Logits [vocab (previous token), vocab (next token)]. */
  private weights: Float64Array;
  private grad: Float64Array;
  private m: Float64Array;
  private v: Float64Array;
  private t = 0;

  constructor(vocab: number, eos: number, seed = 0) {
    this.vocab = vocab;
    this.eos = eos;
    const rng = new Rng(seed);
    this.weights = Float64Array.from({ length: vocab * vocab }, () => rng.normal() * 0.01);
    this.grad = new Float64Array(vocab * vocab);
    this.m = new Float64Array(vocab * vocab);
    this.v = new Float64Array(vocab * vocab);
  }

  private probs(previous: number, temperature = 1): Float64Array {
    const out = new Float64Array(this.vocab);
    let max = -Infinity;
    for (let k = 0; k < this.vocab; k++) max = Math.max(max, (this.weights[previous * this.vocab + k] as number) / temperature);
    let sum = 0;
    for (let k = 0; k < this.vocab; k++) {
      out[k] = Math.exp((this.weights[previous * this.vocab + k] as number) / temperature - max);
      sum += out[k] as number;
    }
    for (let k = 0; k < this.vocab; k++) out[k] = (out[k] as number) / sum;
    return out;
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
    return {
      logp,
      entropy,
      backward: (grad) => {
        if (!options.grad) throw new Error('backward() on log-probs computed without grad');
        cache.forEach((steps, b) =>
          steps.forEach(({ previous, token, p }, t) => {
            const g = (grad[b] as readonly number[])[t] ?? 0;
            if (g === 0) return;
            for (let k = 0; k < this.vocab; k++) {
              const i = previous * this.vocab + k;
              this.grad[i] = (this.grad[i] as number) + g * ((k === token ? 1 : 0) - (p[k] as number));
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
      const g = (this.grad[i] as number) * scale;
      this.m[i] = 0.9 * (this.m[i] as number) + 0.1 * g;
      this.v[i] = 0.999 * (this.v[i] as number) + 0.001 * g * g;
      this.weights[i] = (this.weights[i] as number) * (1 - options.lr * options.weightDecay) - (options.lr * ((this.m[i] as number) / c1)) / (Math.sqrt((this.v[i] as number) / c2) + 1e-8);
    }
    return norm;
  }

  async snapshot(): Promise<PolicyModel> {
    const copy = new TabularPolicy(this.vocab, this.eos);
    await copy.loadState(await this.saveState());
    return copy;
  }

  async saveState(): Promise<Uint8Array> {
    const all = new Float64Array(3 * this.weights.length + 1);
    all.set(this.weights, 0);
    all.set(this.m, this.weights.length);
    all.set(this.v, 2 * this.weights.length);
    all[3 * this.weights.length] = this.t;
    return new Uint8Array(all.buffer);
  }

  async loadState(state: Uint8Array): Promise<void> {
    const all = new Float64Array(state.buffer.slice(state.byteOffset, state.byteOffset + state.byteLength));
    const n = this.weights.length;
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
