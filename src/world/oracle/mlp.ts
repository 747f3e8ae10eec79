/**
 * A small multilayer perceptron with several softmax heads, written for the oracle's attribute
 * detector: plain Float32Array maths, mini-batch Adam, ReLU hidden layers. Deliberately separate
 * from the tensor engine of SEER-Mini, so the oracle shares no code or weights with the model it
 * judges. Shapes: input [B, D] → hidden [B, H]… → logits [B, sum(head sizes)].
 */
import type { Rng } from '../../core/rng.ts';

export interface MlpShape {
  input: number;
  hidden: number[];
  heads: number[];
}

interface Layer {
  inDim: number;
  outDim: number;
  w: Float32Array; // [inDim, outDim], row-major
  b: Float32Array; // [outDim]
}

export class Mlp {
  readonly shape: MlpShape;
  readonly layers: Layer[];
  private adam?: { m: Float32Array[]; v: Float32Array[]; t: number };

  constructor(shape: MlpShape, rng: Rng) {
    this.shape = shape;
    const dims = [shape.input, ...shape.hidden, shape.heads.reduce((a, b) => a + b, 0)];
    this.layers = [];
    for (let l = 0; l + 1 < dims.length; l++) {
      const inDim = dims[l] as number;
      const outDim = dims[l + 1] as number;
      const w = new Float32Array(inDim * outDim);
      const scale = Math.sqrt(2 / inDim);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * scale;
      this.layers.push({ inDim, outDim, w, b: new Float32Array(outDim) });
    }
  }

  /** Forward pass; returns every layer's activations (index 0 = input, last = logits). */
  forward(x: Float32Array, batch: number): Float32Array[] {
    const acts = [x];
    this.layers.forEach((layer, l) => {
      const input = acts[l] as Float32Array;
      const out = new Float32Array(batch * layer.outDim);
      matmulAdd(input, layer.w, layer.b, out, batch, layer.inDim, layer.outDim);
      if (l < this.layers.length - 1) for (let i = 0; i < out.length; i++) if ((out[i] as number) < 0) out[i] = 0;
      acts.push(out);
    });
    return acts;
  }

  /** Per-head softmax probabilities for one batch: probs[head][b * size + k]. */
  predict(x: Float32Array, batch: number): Float32Array[] {
    const logits = this.forward(x, batch).at(-1) as Float32Array;
    return this.splitSoftmax(logits, batch);
  }

  private splitSoftmax(logits: Float32Array, batch: number): Float32Array[] {
    const total = this.layers.at(-1)?.outDim ?? 0;
    const out: Float32Array[] = [];
    let offset = 0;
    for (const size of this.shape.heads) {
      const probs = new Float32Array(batch * size);
      for (let b = 0; b < batch; b++) {
        let max = -Infinity;
        for (let k = 0; k < size; k++) max = Math.max(max, logits[b * total + offset + k] as number);
        let sum = 0;
        for (let k = 0; k < size; k++) {
          const e = Math.exp((logits[b * total + offset + k] as number) - max);
          probs[b * size + k] = e;
          sum += e;
        }
        for (let k = 0; k < size; k++) probs[b * size + k] = (probs[b * size + k] as number) / sum;
      }
      out.push(probs);
      offset += size;
    }
    return out;
  }

  /**
   * One Adam step on the summed cross-entropy of every head. `labels[head][b]` is the class index,
   * or -1 to skip that head for that row. Returns the mean loss per labelled head-row.
   */
  trainStep(x: Float32Array, labels: Int32Array[], batch: number, lr: number): number {
    const acts = this.forward(x, batch);
    const logits = acts.at(-1) as Float32Array;
    const probs = this.splitSoftmax(logits, batch);
    const total = logits.length / batch;
    const grad = new Float32Array(logits.length);
    let loss = 0;
    let count = 0;
    let offset = 0;
    this.shape.heads.forEach((size, h) => {
      const p = probs[h] as Float32Array;
      const y = labels[h] as Int32Array;
      for (let b = 0; b < batch; b++) {
        const label = y[b] as number;
        if (label < 0) continue;
        loss -= Math.log(Math.max(p[b * size + label] as number, 1e-9));
        count++;
        for (let k = 0; k < size; k++) grad[b * total + offset + k] = (p[b * size + k] as number) - (k === label ? 1 : 0);
      }
      offset += size;
    });
    const scale = 1 / Math.max(1, batch);
    for (let i = 0; i < grad.length; i++) grad[i] = (grad[i] as number) * scale;
    const grads: { w: Float32Array; b: Float32Array }[] = [];
    let upstream = grad;
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l] as Layer;
      const input = acts[l] as Float32Array;
      const gw = new Float32Array(layer.w.length);
      const gb = new Float32Array(layer.outDim);
      for (let b = 0; b < batch; b++) {
        for (let j = 0; j < layer.outDim; j++) gb[j] = (gb[j] as number) + (upstream[b * layer.outDim + j] as number);
        for (let i = 0; i < layer.inDim; i++) {
          const xi = input[b * layer.inDim + i] as number;
          if (xi === 0) continue;
          const row = i * layer.outDim;
          const g = b * layer.outDim;
          for (let j = 0; j < layer.outDim; j++) gw[row + j] = (gw[row + j] as number) + xi * (upstream[g + j] as number);
        }
      }
      grads[l] = { w: gw, b: gb };
      if (l > 0) {
        const down = new Float32Array(batch * layer.inDim);
        for (let b = 0; b < batch; b++)
          for (let i = 0; i < layer.inDim; i++) {
            if ((input[b * layer.inDim + i] as number) <= 0) continue; // ReLU gate
            let s = 0;
            const row = i * layer.outDim;
            const g = b * layer.outDim;
            for (let j = 0; j < layer.outDim; j++) s += (layer.w[row + j] as number) * (upstream[g + j] as number);
            down[b * layer.inDim + i] = s;
          }
        upstream = down;
      }
    }
    this.adamUpdate(grads, lr);
    return loss / Math.max(1, count);
  }

  private adamUpdate(grads: { w: Float32Array; b: Float32Array }[], lr: number): void {
    const params = this.layers.flatMap((l) => [l.w, l.b]);
    const gs = grads.flatMap((g) => [g.w, g.b]);
    this.adam ??= { m: params.map((p) => new Float32Array(p.length)), v: params.map((p) => new Float32Array(p.length)), t: 0 };
    const state = this.adam;
    state.t++;
    const b1 = 0.9;
    const b2 = 0.999;
    const c1 = 1 - b1 ** state.t;
    const c2 = 1 - b2 ** state.t;
    params.forEach((p, k) => {
      const g = gs[k] as Float32Array;
      const m = state.m[k] as Float32Array;
      const v = state.v[k] as Float32Array;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] as number;
        const mi = b1 * (m[i] as number) + (1 - b1) * gi;
        const vi = b2 * (v[i] as number) + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = (p[i] as number) - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + 1e-8);
      }
    });
  }

  /** All weights concatenated, layer by layer (w then b). */
  exportWeights(): Float32Array {
    const total = this.layers.reduce((s, l) => s + l.w.length + l.b.length, 0);
    const out = new Float32Array(total);
    let offset = 0;
    for (const l of this.layers) {
      out.set(l.w, offset);
      offset += l.w.length;
      out.set(l.b, offset);
      offset += l.b.length;
    }
    return out;
  }

  importWeights(weights: Float32Array): void {
    let offset = 0;
    for (const l of this.layers) {
      l.w.set(weights.subarray(offset, offset + l.w.length));
      offset += l.w.length;
      l.b.set(weights.subarray(offset, offset + l.b.length));
      offset += l.b.length;
    }
    if (offset !== weights.length) throw new RangeError(`weights have ${weights.length} values, the shape needs ${offset}`);
  }
}

/** out[B, N] = x[B, K] · w[K, N] + bias[N]; skips zero inputs (ReLU sparsity). */
function matmulAdd(x: Float32Array, w: Float32Array, bias: Float32Array, out: Float32Array, B: number, K: number, N: number): void {
  for (let b = 0; b < B; b++) {
    const o = b * N;
    out.set(bias, o);
    for (let k = 0; k < K; k++) {
      const xk = x[b * K + k] as number;
      if (xk === 0) continue;
      const row = k * N;
      for (let n = 0; n < N; n++) out[o + n] = (out[o + n] as number) + xk * (w[row + n] as number);
    }
  }
}
