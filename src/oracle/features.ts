/**
 * The oracle detector's input handling: any image is box-resampled to 32×32; and the degradations
 * (blur, noise, colour quantisation, patch-tokenizer reconstruction artefacts) that training applies
 * so the detector stays right on imperfect, generated images.
 */
import type { Rng } from '../core/rng.ts';
import { clampByte, type RgbImage } from '../image/image.ts';

export const FEATURE_SIZE = 32;
/** Box-resample any square-ish image to FEATURE_SIZE × FEATURE_SIZE. */
export function resample(image: RgbImage, size = FEATURE_SIZE): RgbImage {
  if (image.width === size && image.height === size) return image;
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const x0 = Math.floor((x * image.width) / size);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / size));
      const y0 = Math.floor((y * image.height) / size);
      const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / size));
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += image.data[(yy * image.width + xx) * 3 + c] as number;
        out[(y * size + x) * 3 + c] = Math.round(s / ((x1 - x0) * (y1 - y0)));
      }
    }
  return { width: size, height: size, data: out };
}

export interface DegradeOptions {
  /** Probability that each degradation is applied. */
  p?: number;
}

/**
 * A randomly degraded copy: blur, sensor noise, colour quantisation, and patch smoothing that
 * mimics a 4×4-patch image tokenizer's reconstruction. Used as training augmentation and for the
 * robustness half of `seer oracle eval`.
 */
export function degrade(image: RgbImage, rng: Rng, options: DegradeOptions = {}): RgbImage {
  const p = options.p ?? 0.35;
  let out: RgbImage = { ...image, data: image.data.slice() };
  if (rng.bool(p)) out = blur(out, rng.uniform(0.25, 0.6));
  if (rng.bool(p)) out = patchSmooth(out, 4, rng.uniform(0.15, 0.5));
  if (rng.bool(p)) out = quantise(out, 4 + rng.int(5));
  if (rng.bool(p)) {
    const sigma = rng.uniform(3, 14);
    for (let i = 0; i < out.data.length; i++) out.data[i] = clampByte((out.data[i] as number) + rng.normal() * sigma);
  }
  return out;
}

function blur(image: RgbImage, amount: number): RgbImage {
  const { width: w, height: h, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        let n = 0;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const xx = Math.min(w - 1, Math.max(0, x + dx));
            const yy = Math.min(h - 1, Math.max(0, y + dy));
            s += data[(yy * w + xx) * 3 + c] as number;
            n++;
          }
        const i = (y * w + x) * 3 + c;
        out[i] = Math.round((1 - amount) * (data[i] as number) + (amount * s) / n);
      }
  return { width: w, height: h, data: out };
}

function patchSmooth(image: RgbImage, patch: number, amount: number): RgbImage {
  const { width: w, height: h, data } = image;
  const out = data.slice();
  for (let py = 0; py < h; py += patch)
    for (let px = 0; px < w; px += patch)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let y = py; y < py + patch; y++) for (let x = px; x < px + patch; x++) s += data[(y * w + x) * 3 + c] as number;
        const mean = s / (patch * patch);
        for (let y = py; y < py + patch; y++)
          for (let x = px; x < px + patch; x++) {
            const i = (y * w + x) * 3 + c;
            out[i] = Math.round((1 - amount) * (data[i] as number) + amount * mean);
          }
      }
  return { width: w, height: h, data: out };
}

function quantise(image: RgbImage, levels: number): RgbImage {
  const step = 255 / (levels - 1);
  return { ...image, data: image.data.map((v) => Math.round(Math.round(v / step) * step)) };
}
