/**
 * A small convolutional network with several softmax heads — the oracle's attribute detector.
 * Plain Float32Array maths (im2col + matmul), mini-batch Adam; deliberately separate from the tensor
 * engine of SEER-Mini so the oracle shares no code or weights with the model it judges.
 *
 * Shapes (channels last): image [B, 32, 32, 3] → conv3×3 → ReLU → maxpool2 (×3 blocks)
 * → [B, 4, 4, C3] → dense → ReLU → logits [B, Σ head sizes].
 */
import type { Rng } from '../../core/rng.ts';

export interface CnnShape {
  size: number;
  channels: number[];
  dense: number;
  heads: number[];
}

interface Param {
  value: Float32Array;
  grad: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

function param(n: number, scale: number, rng: Rng | null): Param {
  const value = new Float32Array(n);
  if (rng) for (let i = 0; i < n; i++) value[i] = rng.normal() * scale;
  return { value, grad: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) };
}

/** C[M, N] (+)= A[M, K] · B[K, N]. */
function matmul(A: Float32Array, B: Float32Array, C: Float32Array, M: number, K: number, N: number): void {
  for (let i = 0; i < M; i++) {
    const c = i * N;
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k] as number;
      if (a === 0) continue;
      const b = k * N;
      for (let j = 0; j < N; j++) C[c + j] = (C[c + j] as number) + a * (B[b + j] as number);
    }
  }
}

/** dB[K, N] += A[M, K]ᵀ · dC[M, N]. */
function matmulAtB(A: Float32Array, dC: Float32Array, dB: Float32Array, M: number, K: number, N: number): void {
  for (let i = 0; i < M; i++) {
    const c = i * N;
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k] as number;
      if (a === 0) continue;
      const b = k * N;
      for (let j = 0; j < N; j++) dB[b + j] = (dB[b + j] as number) + a * (dC[c + j] as number);
    }
  }
}

/** dA[M, K] = dC[M, N] · B[K, N]ᵀ. */
function matmulABt(dC: Float32Array, B: Float32Array, dA: Float32Array, M: number, K: number, N: number): void {
  for (let i = 0; i < M; i++) {
    const c = i * N;
    for (let k = 0; k < K; k++) {
      const b = k * N;
      let s = 0;
      for (let j = 0; j < N; j++) s += (dC[c + j] as number) * (B[b + j] as number);
      dA[i * K + k] = s;
    }
  }
}

interface ConvCache {
  cols: Float32Array;
  out: Float32Array; // post-ReLU, pre-pool [B, S, S, Cout]
  pooled: Float32Array;
  argmax: Int32Array;
}

export class Cnn {
  readonly shape: CnnShape;
  private readonly convs: { w: Param; b: Param; cin: number; cout: number; size: number }[] = [];
  private readonly fc1: { w: Param; b: Param; inDim: number };
  private readonly fc2: { w: Param; b: Param };
  private step = 0;

  constructor(shape: CnnShape, rng: Rng | null) {
    this.shape = shape;
    let cin = 3;
    let size = shape.size;
    for (const cout of shape.channels) {
      this.convs.push({ w: param(9 * cin * cout, Math.sqrt(2 / (9 * cin)), rng), b: param(cout, 0, null), cin, cout, size });
      cin = cout;
      size /= 2;
    }
    const inDim = size * size * cin;
    const outDim = shape.heads.reduce((a, b) => a + b, 0);
    this.fc1 = { w: param(inDim * shape.dense, Math.sqrt(2 / inDim), rng), b: param(shape.dense, 0, null), inDim };
    this.fc2 = { w: param(shape.dense * outDim, Math.sqrt(1 / shape.dense), rng), b: param(outDim, 0, null) };
  }

  private params(): Param[] {
    return [...this.convs.flatMap((c) => [c.w, c.b]), this.fc1.w, this.fc1.b, this.fc2.w, this.fc2.b];
  }

  private forward(x: Float32Array, B: number) {
    const caches: ConvCache[] = [];
    let input = x;
    for (const conv of this.convs) {
      const { cin, cout, size: S } = conv;
      const cols = im2col(input, B, S, cin);
      const out = new Float32Array(B * S * S * cout);
      for (let r = 0; r < B * S * S; r++) out.set(conv.b.value, r * cout);
      matmul(cols, conv.w.value, out, B * S * S, 9 * cin, cout);
      for (let i = 0; i < out.length; i++) if ((out[i] as number) < 0) out[i] = 0;
      const { pooled, argmax } = maxpool(out, B, S, cout);
      caches.push({ cols, out, pooled, argmax });
      input = pooled;
    }
    const dense = this.shape.dense;
    const h = new Float32Array(B * dense);
    for (let b = 0; b < B; b++) h.set(this.fc1.b.value, b * dense);
    matmul(input, this.fc1.w.value, h, B, this.fc1.inDim, dense);
    for (let i = 0; i < h.length; i++) if ((h[i] as number) < 0) h[i] = 0;
    const outDim = this.fc2.b.value.length;
    const logits = new Float32Array(B * outDim);
    for (let b = 0; b < B; b++) logits.set(this.fc2.b.value, b * outDim);
    matmul(h, this.fc2.w.value, logits, B, dense, outDim);
    return { caches, flat: input, h, logits };
  }

  /** Softmax probabilities per head: probs[head][b * size + k]. */
  predict(x: Float32Array, B: number): Float32Array[] {
    return softmaxHeads(this.forward(x, B).logits, B, this.shape.heads);
  }

  /** One Adam step on the summed cross-entropy of all heads; label -1 skips a head for a row. */
  trainStep(x: Float32Array, labels: Int32Array[], B: number, lr: number, weightDecay = 1e-4): number {
    const loss = this.lossAndGradients(x, labels, B);
    this.adam(lr, weightDecay);
    return loss;
  }

  /** Mean cross-entropy per labelled head-row; fills every parameter's gradient of (summed CE) / B. */
  lossAndGradients(x: Float32Array, labels: Int32Array[], B: number): number {
    const { caches, flat, h, logits } = this.forward(x, B);
    const probs = softmaxHeads(logits, B, this.shape.heads);
    const outDim = logits.length / B;
    const dLogits = new Float32Array(logits.length);
    let loss = 0;
    let count = 0;
    let offset = 0;
    this.shape.heads.forEach((size, head) => {
      const p = probs[head] as Float32Array;
      const y = labels[head] as Int32Array;
      for (let b = 0; b < B; b++) {
        const label = y[b] as number;
        if (label < 0) continue;
        loss -= Math.log(Math.max(p[b * size + label] as number, 1e-9));
        count++;
        for (let k = 0; k < size; k++) dLogits[b * outDim + offset + k] = ((p[b * size + k] as number) - (k === label ? 1 : 0)) / B;
      }
      offset += size;
    });
    for (const p of this.params()) p.grad.fill(0);
    // dense layers
    const dense = this.shape.dense;
    addRowSums(dLogits, this.fc2.b.grad, B, outDim);
    matmulAtB(h, dLogits, this.fc2.w.grad, B, dense, outDim);
    const dh = new Float32Array(B * dense);
    matmulABt(dLogits, this.fc2.w.value, dh, B, dense, outDim);
    for (let i = 0; i < dh.length; i++) if ((h[i] as number) <= 0) dh[i] = 0;
    addRowSums(dh, this.fc1.b.grad, B, dense);
    matmulAtB(flat, dh, this.fc1.w.grad, B, this.fc1.inDim, dense);
    let dUp: Float32Array = new Float32Array(B * this.fc1.inDim);
    matmulABt(dh, this.fc1.w.value, dUp, B, this.fc1.inDim, dense);
    // conv blocks, last to first
    for (let l = this.convs.length - 1; l >= 0; l--) {
      const conv = this.convs[l]!;
      const cache = caches[l]!;
      const { cin, cout, size: S } = conv;
      const dOut = new Float32Array(cache.out.length);
      for (let i = 0; i < dUp.length; i++) dOut[cache.argmax[i] as number] = dUp[i] as number;
      for (let i = 0; i < dOut.length; i++) if ((cache.out[i] as number) <= 0) dOut[i] = 0;
      addRowSums(dOut, conv.b.grad, B * S * S, cout);
      matmulAtB(cache.cols, dOut, conv.w.grad, B * S * S, 9 * cin, cout);
      if (l > 0) {
        const dCols = new Float32Array(cache.cols.length);
        matmulABt(dOut, conv.w.value, dCols, B * S * S, 9 * cin, cout);
        dUp = col2im(dCols, B, S, cin);
      }
    }
    return loss / Math.max(1, count);
  }

  /** Parameters as (value, grad) pairs, for gradient checks. */
  parameterViews(): { value: Float32Array; grad: Float32Array }[] {
    return this.params();
  }

  private adam(lr: number, weightDecay: number): void {
    this.step++;
    const c1 = 1 - 0.9 ** this.step;
    const c2 = 1 - 0.999 ** this.step;
    for (const p of this.params()) {
      for (let i = 0; i < p.value.length; i++) {
        const g = p.grad[i] as number;
        const m = 0.9 * (p.m[i] as number) + 0.1 * g;
        const v = 0.999 * (p.v[i] as number) + 0.001 * g * g;
        p.m[i] = m;
        p.v[i] = v;
        p.value[i] = (p.value[i] as number) * (1 - lr * weightDecay) - (lr * (m / c1)) / (Math.sqrt(v / c2) + 1e-8);
      }
    }
  }

  exportWeights(): Float32Array {
    const params = this.params();
    const out = new Float32Array(params.reduce((s, p) => s + p.value.length, 0));
    let o = 0;
    for (const p of params) {
      out.set(p.value, o);
      o += p.value.length;
    }
    return out;
  }

  importWeights(weights: Float32Array): void {
    let o = 0;
    for (const p of this.params()) {
      p.value.set(weights.subarray(o, o + p.value.length));
      o += p.value.length;
    }
    if (o !== weights.length) throw new RangeError(`weights have ${weights.length} values, the network needs ${o}`);
  }
}

/** [B, S, S, C] → [B·S·S, 9·C] with zero padding 1 (3×3 windows). */
function im2col(x: Float32Array, B: number, S: number, C: number): Float32Array {
  const cols = new Float32Array(B * S * S * 9 * C);
  let o = 0;
  for (let b = 0; b < B; b++)
    for (let y = 0; y < S; y++)
      for (let xx = 0; xx < S; xx++)
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const sy = y + dy;
            const sx = xx + dx;
            if (sy < 0 || sy >= S || sx < 0 || sx >= S) {
              o += C;
              continue;
            }
            const src = ((b * S + sy) * S + sx) * C;
            for (let c = 0; c < C; c++) cols[o++] = x[src + c] as number;
          }
  return cols;
}

function col2im(cols: Float32Array, B: number, S: number, C: number): Float32Array {
  const dx = new Float32Array(B * S * S * C);
  let o = 0;
  for (let b = 0; b < B; b++)
    for (let y = 0; y < S; y++)
      for (let xx = 0; xx < S; xx++)
        for (let ddy = -1; ddy <= 1; ddy++)
          for (let ddx = -1; ddx <= 1; ddx++) {
            const sy = y + ddy;
            const sx = xx + ddx;
            if (sy < 0 || sy >= S || sx < 0 || sx >= S) {
              o += C;
              continue;
            }
            const dst = ((b * S + sy) * S + sx) * C;
            for (let c = 0; c < C; c++) dx[dst + c] = (dx[dst + c] as number) + (cols[o++] as number);
          }
  return dx;
}

/** 2×2 max pooling of [B, S, S, C]; argmax holds the flat input index of each output. */
function maxpool(x: Float32Array, B: number, S: number, C: number): { pooled: Float32Array; argmax: Int32Array } {
  const H = S / 2;
  const pooled = new Float32Array(B * H * H * C);
  const argmax = new Int32Array(pooled.length);
  for (let b = 0; b < B; b++)
    for (let y = 0; y < H; y++)
      for (let xx = 0; xx < H; xx++)
        for (let c = 0; c < C; c++) {
          let best = -Infinity;
          let at = 0;
          for (let dy = 0; dy < 2; dy++)
            for (let dx = 0; dx < 2; dx++) {
              const i = ((b * S + 2 * y + dy) * S + 2 * xx + dx) * C + c;
              if ((x[i] as number) > best) {
                best = x[i] as number;
                at = i;
              }
            }
          const o = ((b * H + y) * H + xx) * C + c;
          pooled[o] = best;
          argmax[o] = at;
        }
  return { pooled, argmax };
}

function addRowSums(d: Float32Array, into: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) into[c] = (into[c] as number) + (d[r * cols + c] as number);
}

export function softmaxHeads(logits: Float32Array, B: number, heads: readonly number[]): Float32Array[] {
  const total = logits.length / B;
  const out: Float32Array[] = [];
  let offset = 0;
  for (const size of heads) {
    const probs = new Float32Array(B * size);
    for (let b = 0; b < B; b++) {
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

/** Image → network input [S, S, 3] in [0, 1], centred. */
export function imageInput(data: Uint8Array, out: Float32Array): void {
  for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) / 255 - 0.5;
}
