/**
 * The oracle detector's network: a small CNN with one softmax head per scene slot, on the libtorch
 * engine. It shares no weights, code path or data with SEER-Mini (only the tensor library, as two
 * PyTorch models would). Departure: an earlier pure-TypeScript CNN trained ~20× slower; the
 * engine makes retraining the oracle a few minutes of work.
 *
 * Shapes: image [B, 3, 32, 32] → (conv3×3 → ReLU → maxpool2) ×3 → [B, C3, 4, 4] → dense → ReLU
 * → logits [B, Σ head sizes].
 */
import type { Rng } from '../core/rng.ts';
import { T, engine, noGrad, tidy, type NativeAdamW, type Tensor } from '../engine/torch.ts';

export interface CnnShape {
  size: number;
  channels: number[];
  dense: number;
  heads: number[];
}

export class Cnn {
  readonly shape: CnnShape;
  private readonly params: Tensor[] = [];
  private readonly convs: { w: Tensor; b: Tensor }[] = [];
  private readonly fc1: { w: Tensor; b: Tensor };
  private readonly fc2: { w: Tensor; b: Tensor };
  private optimizer: NativeAdamW | undefined;

  constructor(shape: CnnShape, rng: Rng) {
    this.shape = shape;
    const param = (dims: number[], std: number) => {
      const n = dims.reduce((a, b) => a * b, 1);
      const t = T.fromFloat32(Float32Array.from({ length: n }, () => rng.normal() * std), dims, true);
      this.params.push(t);
      return t;
    };
    let cin = 3;
    let size = shape.size;
    for (const cout of shape.channels) {
      this.convs.push({ w: param([cout, cin, 3, 3], Math.sqrt(2 / (9 * cin))), b: param([cout], 0) });
      cin = cout;
      size /= 2;
    }
    const flat = cin * size * size;
    this.fc1 = { w: param([flat, shape.dense], Math.sqrt(2 / flat)), b: param([shape.dense], 0) };
    const out = shape.heads.reduce((a, b) => a + b, 0);
    this.fc2 = { w: param([shape.dense, out], Math.sqrt(1 / shape.dense)), b: param([out], 0) };
  }

  /** x: [B, 3, S, S] → logits [B, Σ heads]. */
  private forward(x: Tensor): Tensor {
    let h = x;
    for (const conv of this.convs) h = T.maxPool2d(T.relu(T.conv2d(h, conv.w, conv.b, 1)), 2);
    const B = (x.shape()[0] as number);
    const flat = T.reshape(h, [B, -1]);
    const hidden = T.relu(T.add(T.matmul(flat, this.fc1.w), this.fc1.b));
    return T.add(T.matmul(hidden, this.fc2.w), this.fc2.b);
  }

  /** Softmax probabilities per head: probs[head][b * size + k]. Input: [B, S, S, 3] in [0, 1] − 0.5. */
  predict(x: Float32Array, B: number): Float32Array[] {
    return noGrad(() =>
      tidy(() => {
        const logits = this.forward(this.input(x, B));
        let offset = 0;
        return this.shape.heads.map((size) => {
          const p = T.softmax(T.narrow(logits, 1, offset, size), 1).toFloat32();
          offset += size;
          return p;
        });
      }),
    );
  }

  /** One AdamW step on the summed cross-entropy of all heads; label −1 skips a head for a row. */
  trainStep(x: Float32Array, labels: Int32Array[], B: number, lr: number, weightDecay = 1e-4): number {
    this.optimizer ??= engine.adamW([{ params: this.params, lr, weightDecay }]);
    this.optimizer.setLr(0, lr);
    const loss = tidy(() => {
      for (const p of this.params) p.zeroGrad();
      const logits = this.forward(this.input(x, B));
      let offset = 0;
      let total: Tensor | null = null;
      this.shape.heads.forEach((size, h) => {
        const y = labels[h] as Int32Array;
        if (!y.some((v) => v >= 0)) {
          offset += size;
          return;
        }
        const ce = T.crossEntropy(T.narrow(logits, 1, offset, size), T.fromInt32(y, [B]));
        total = total ? T.add(total, ce) : ce;
        offset += size;
      });
      if (!total) return 0;
      (total as Tensor).backward();
      return (total as Tensor).item() / this.shape.heads.length;
    });
    this.optimizer.step();
    return loss;
  }

  private input(x: Float32Array, B: number): Tensor {
    const S = this.shape.size;
    return T.contiguous(T.permute(T.fromFloat32(x, [B, S, S, 3]), [0, 3, 1, 2]));
  }

  exportWeights(): Float32Array {
    const parts = this.params.map((p) => p.toFloat32());
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  importWeights(weights: Float32Array): void {
    let o = 0;
    noGrad(() =>
      tidy(() => {
        for (const p of this.params) {
          const dims = p.shape();
          const n = dims.reduce((a, b) => a * b, 1);
          if (o + n > weights.length) throw new RangeError(`weights have ${weights.length} values, the network needs more`);
          p.copyFrom(T.fromFloat32(weights.slice(o, o + n), dims));
          o += n;
        }
      }),
    );
    if (o !== weights.length) throw new RangeError(`weights have ${weights.length} values, the network needs ${o}`);
  }
}

/** Image → network input [S, S, 3] in [−0.5, 0.5]. */
export function imageInput(data: Uint8Array, out: Float32Array): void {
  for (let i = 0; i < data.length; i++) out[i] = (data[i] as number) / 255 - 0.5;
}
