/**
 * The addon's fused decoding attention (`T.attendOneQuery`, `T.cacheAndAttend`) against the same
 * arithmetic in plain libtorch ops: shared-prefix parts with groups, pads, views into cache buffers,
 * SEER-Mini's head size (32, the unrolled path) and another (the generic one).
 */
import { describe, expect, it } from 'vitest';
import { T, engine, noGrad, tidy, type KeyPart, type Tensor } from './torch.ts';

engine.setup({ threads: 1, seed: 0 });

/** softmax(q·kᵀ/√hd)·v over every part's keys for each row, by libtorch ops: q [B, H, 1, hd] → [B, H, 1, hd]. */
function reference(q: Tensor, parts: KeyPart[]): Tensor {
  const [B, , , hd] = q.shape() as [number, number, number, number];
  const rowsOf = (part: KeyPart) => T.fromInt32(Int32Array.from({ length: B }, (_, b) => Math.floor(b / part.group)), [B]);
  const keys = T.cat(parts.map((p) => T.indexSelect(T.narrow(p.keys, 2, 0, p.length), 0, rowsOf(p))), 2); // [B, H, total, hd]
  const values = T.cat(parts.map((p) => T.indexSelect(T.narrow(p.values, 2, 0, p.length), 0, rowsOf(p))), 2);
  const pad = T.cat(parts.map((p) => (p.pad ? T.indexSelect(T.narrow(T.cast(p.pad, 'float32'), 1, 0, p.length), 0, rowsOf(p)) : T.zeros([B, p.length]))), 1); // [B, total]
  const total = pad.shape()[1] as number;
  const scores = T.maskedFill(T.mulScalar(T.matmul(q, T.transpose(keys, 2, 3)), 1 / Math.sqrt(hd)), T.toBool(T.reshape(pad, [B, 1, 1, total])), -1e9);
  return T.matmul(T.softmax(scores, -1), values);
}

function maxDiff(a: Tensor, b: Tensor): number {
  const x = a.toFloat32();
  const y = b.toFloat32();
  expect(x.length).toBe(y.length);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - (y[i] as number))), 0);
}

/** A bool pad [R, T] with `padded[r]` leading pads in row r. */
function leftPad(padded: number[], length: number): Tensor {
  return T.toBool(T.fromFloat32(Float32Array.from({ length: padded.length * length }, (_, i) => (i % length < (padded[Math.floor(i / length)] as number) ? 1 : 0)), [padded.length, length]));
}

describe('fused decoding attention', () => {
  for (const hd of [32, 8]) {
    it(`equals libtorch's softmax attention over a padded cache (head size ${hd})`, () => {
      noGrad(() =>
        tidy(() => {
          const B = 5, H = 3, capacity = 40, length = 23;
          const q = T.randn([B, H, 1, hd], 1);
          const keys = T.randn([B, H, capacity, hd], 1); // cache buffers: only the first `length` positions count
          const values = T.randn([B, H, capacity, hd], 1);
          const part: KeyPart = { keys, values, length, group: 1, pad: leftPad([0, 3, 7, 0, 22], capacity) };
          expect(maxDiff(T.attendOneQuery(q, [part]), reference(q, [part]))).toBeLessThan(1e-5);
        }),
      );
    });
  }

  it('attends rows to their group of a shared prefix and to their own keys under one softmax', () => {
    noGrad(() =>
      tidy(() => {
        const P = 2, G = 3, B = P * G, H = 4, hd = 32;
        const q = T.randn([B, H, 1, hd], 1);
        // Prefix keys as the prefill leaves them: a permuted view of a [P, T, 3d] projection.
        const qkv = T.randn([P, 17, 3 * H * hd], 1);
        const heads = (k: number) => T.permute(T.reshape(T.narrow(qkv, 2, k * H * hd, H * hd), [P, 17, H, hd]), [0, 2, 1, 3]); // [P, H, 17, hd]
        const shared: KeyPart = { keys: heads(1), values: heads(2), length: 17, group: G, pad: leftPad([0, 5], 17) };
        const own: KeyPart = { keys: T.randn([B, H, 12, hd], 1), values: T.randn([B, H, 12, hd], 1), length: 4, group: 1 };
        expect(maxDiff(T.attendOneQuery(q, [shared, own]), reference(q, [shared, own]))).toBeLessThan(1e-5);
      }),
    );
  });

  it('cacheAndAttend writes the token into the buffers at `past`, then attends with it', () => {
    noGrad(() =>
      tidy(() => {
        const B = 4, H = 2, hd = 32, d = H * hd, capacity = 10, past = 6;
        const keys = T.randn([B, H, capacity, hd], 1);
        const values = T.randn([B, H, capacity, hd], 1);
        const qkv = T.randn([B, 1, 3 * d], 1);
        const pad = leftPad([0, 2, 0, 5], past + 1);
        const y = T.cacheAndAttend(qkv, keys, values, past, pad); // [B, 1, d]
        const heads = (k: number) => T.permute(T.reshape(T.narrow(qkv, 2, k * d, d), [B, 1, H, hd]), [0, 2, 1, 3]); // [B, H, 1, hd]
        expect(maxDiff(T.narrow(keys, 2, past, 1), heads(1))).toBe(0);
        expect(maxDiff(T.narrow(values, 2, past, 1), heads(2))).toBe(0);
        const expected = reference(heads(0), [{ keys, values, length: past + 1, group: 1, pad }]); // [B, H, 1, hd]
        expect(y.shape()).toEqual([B, 1, d]);
        expect(maxDiff(y, T.reshape(T.permute(expected, [0, 2, 1, 3]), [B, 1, d]))).toBeLessThan(1e-5);
        expect(() => T.cacheAndAttend(qkv, keys, values, capacity, pad)).toThrow(/no room/);
      }),
    );
  });

  it('refuses inputs that need a gradient, and malformed parts', () => {
    tidy(() => {
      const q = T.randn([2, 2, 1, 8], 1);
      q.setRequiresGrad(true);
      const part: KeyPart = { keys: T.randn([2, 2, 5, 8], 1), values: T.randn([2, 2, 5, 8], 1), length: 5, group: 1 };
      expect(() => T.attendOneQuery(q, [part])).toThrow(/no autograd/);
      noGrad(() => {
        expect(() => T.attendOneQuery(q, [{ ...part, length: 6 }])).toThrow(/shorter than its length/);
        expect(() => T.attendOneQuery(q, [{ ...part, group: 2 }])).toThrow(/group/);
      });
    });
  });
});
