/**
 * SEER-Mini's frozen image tokenizer: a VQ codebook of image patches learned by k-means
 * (k-means++ start, Lloyd iterations) on renders of the world. A 32×32 image becomes 8×8 = 64
 * codes from a codebook of 256 (the configuration the feasibility study found best), read in
 * raster order. Departure from the paper: Harmon uses a continuous VAE/MAR head; a discrete
 * codebook keeps our early-fusion model a plain next-token predictor.
 */
import { z } from 'zod';
import { Rng } from '../core/rng.ts';
import { SeerError } from '../core/errors.ts';
import type { RgbImage } from '../image/image.ts';

export const imageTokenizerSchema = z.object({
  kind: z.literal('vq-kmeans'),
  version: z.literal(1),
  imageSize: z.number().int().positive(),
  patch: z.number().int().positive(),
  codebook: z.array(z.array(z.number())),
});

export interface ImageTokenizerTrainOptions {
  codes?: number;
  patch?: number;
  iterations?: number;
  seed?: number;
}

export class ImageTokenizer {
  readonly imageSize: number;
  readonly patch: number;
  /** [K, patch·patch·3] in [0, 1]. */
  readonly codebook: Float32Array;
  readonly size: number;
  private readonly dim: number;
  private readonly norms: Float32Array;

  constructor(imageSize: number, patch: number, codebook: Float32Array) {
    if (imageSize % patch !== 0) throw new SeerError('bad_config', `image size ${imageSize} is not a multiple of the patch ${patch}`);
    this.imageSize = imageSize;
    this.patch = patch;
    this.dim = patch * patch * 3;
    this.codebook = codebook;
    this.size = codebook.length / this.dim;
    this.norms = new Float32Array(this.size);
    for (let k = 0; k < this.size; k++) {
      let s = 0;
      for (let d = 0; d < this.dim; d++) s += (codebook[k * this.dim + d] as number) ** 2;
      this.norms[k] = s;
    }
  }

  /** Codes per image. */
  get length(): number {
    return (this.imageSize / this.patch) ** 2;
  }

  static train(images: readonly RgbImage[], options: ImageTokenizerTrainOptions = {}): ImageTokenizer {
    const patch = options.patch ?? 4;
    const K = options.codes ?? 256;
    const first = images[0];
    if (!first) throw new SeerError('bad_input', 'cannot train an image tokenizer on no images');
    const dim = patch * patch * 3;
    const patches = images.flatMap((im) => extractPatches(im, patch));
    const n = patches.length;
    const data = new Float32Array(n * dim);
    patches.forEach((p, i) => data.set(p, i * dim));
    const rng = new Rng(options.seed ?? 0);
    const centroids = kmeansPlusPlus(data, n, dim, K, rng);
    const assign = new Int32Array(n);
    for (let iter = 0; iter < (options.iterations ?? 12); iter++) {
      const tok = new ImageTokenizer(first.width, patch, centroids);
      for (let i = 0; i < n; i++) assign[i] = tok.nearest(data, i * dim);
      const sums = new Float64Array(K * dim);
      const counts = new Int32Array(K);
      for (let i = 0; i < n; i++) {
        const k = assign[i] as number;
        counts[k] = (counts[k] as number) + 1;
        for (let d = 0; d < dim; d++) sums[k * dim + d] = (sums[k * dim + d] as number) + (data[i * dim + d] as number);
      }
      for (let k = 0; k < K; k++) {
        if (counts[k] === 0) {
          const j = rng.int(n); // dead code: reseed from a random patch
          centroids.set(data.subarray(j * dim, (j + 1) * dim), k * dim);
          continue;
        }
        for (let d = 0; d < dim; d++) centroids[k * dim + d] = (sums[k * dim + d] as number) / (counts[k] as number);
      }
    }
    return new ImageTokenizer(first.width, patch, centroids);
  }

  encode(image: RgbImage): number[] {
    if (image.width !== this.imageSize || image.height !== this.imageSize) {
      throw new SeerError('bad_input', `image is ${image.width}×${image.height}, the tokenizer expects ${this.imageSize}×${this.imageSize}`);
    }
    return extractPatches(image, this.patch).map((p) => this.nearest(p, 0));
  }

  decode(codes: readonly number[]): RgbImage {
    const side = this.imageSize / this.patch;
    const data = new Uint8Array(this.imageSize * this.imageSize * 3);
    for (let i = 0; i < side * side; i++) {
      const code = Math.min(this.size - 1, Math.max(0, codes[i] ?? 0));
      const py = Math.floor(i / side) * this.patch;
      const px = (i % side) * this.patch;
      let d = 0;
      for (let y = 0; y < this.patch; y++)
        for (let x = 0; x < this.patch; x++)
          for (let c = 0; c < 3; c++) {
            data[((py + y) * this.imageSize + px + x) * 3 + c] = Math.round((this.codebook[code * this.dim + d++] as number) * 255);
          }
    }
    return { width: this.imageSize, height: this.imageSize, data };
  }

  private nearest(data: Float32Array, offset: number): number {
    let best = 0;
    let bestDist = Infinity;
    for (let k = 0; k < this.size; k++) {
      let dot = 0;
      const base = k * this.dim;
      for (let d = 0; d < this.dim; d++) dot += (data[offset + d] as number) * (this.codebook[base + d] as number);
      const dist = (this.norms[k] as number) - 2 * dot;
      if (dist < bestDist) {
        bestDist = dist;
        best = k;
      }
    }
    return best;
  }

  toJSON(): z.infer<typeof imageTokenizerSchema> {
    const codebook: number[][] = [];
    for (let k = 0; k < this.size; k++) codebook.push(Array.from(this.codebook.subarray(k * this.dim, (k + 1) * this.dim), (v) => Math.round(v * 1e4) / 1e4));
    return { kind: 'vq-kmeans', version: 1, imageSize: this.imageSize, patch: this.patch, codebook };
  }

  static fromJSON(value: unknown): ImageTokenizer {
    const parsed = imageTokenizerSchema.safeParse(value);
    if (!parsed.success) throw new SeerError('bad_file', `image tokenizer: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const { imageSize, patch, codebook } = parsed.data;
    return new ImageTokenizer(imageSize, patch, Float32Array.from(codebook.flat()));
  }
}

/** Patches in raster order, each [patch·patch·3] in [0, 1]. */
function extractPatches(image: RgbImage, patch: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let py = 0; py < image.height; py += patch)
    for (let px = 0; px < image.width; px += patch) {
      const v = new Float32Array(patch * patch * 3);
      let d = 0;
      for (let y = 0; y < patch; y++)
        for (let x = 0; x < patch; x++)
          for (let c = 0; c < 3; c++) v[d++] = (image.data[((py + y) * image.width + px + x) * 3 + c] as number) / 255;
      out.push(v);
    }
  return out;
}

function kmeansPlusPlus(data: Float32Array, n: number, dim: number, K: number, rng: Rng): Float32Array {
  // k-means++ on a subsample keeps the start cheap.
  const sample = Math.min(n, 20_000);
  const idx = rng.sample(Array.from({ length: n }, (_, i) => i), sample);
  const centroids = new Float32Array(K * dim);
  const dist = new Float64Array(sample).fill(Infinity);
  let chosen = idx[0] as number;
  for (let k = 0; k < K; k++) {
    centroids.set(data.subarray(chosen * dim, (chosen + 1) * dim), k * dim);
    let total = 0;
    for (let s = 0; s < sample; s++) {
      const i = idx[s] as number;
      let d2 = 0;
      for (let d = 0; d < dim; d++) d2 += ((data[i * dim + d] as number) - (centroids[k * dim + d] as number)) ** 2;
      if (d2 < (dist[s] as number)) dist[s] = d2;
      total += dist[s] as number;
    }
    let r = rng.next() * total;
    for (let s = 0; s < sample; s++) {
      r -= dist[s] as number;
      if (r <= 0) {
        chosen = idx[s] as number;
        break;
      }
    }
  }
  return centroids;
}
