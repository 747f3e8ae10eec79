/**
 * What the oracle's detector looks at: the image resampled to 32×32, its raw RGB, colour
 * histograms (whole image, border ring, centre), local gradient energy on a 4×4 grid, and a
 * scanline/grain measure. Also the degradations used to make the detector robust to blur, noise,
 * colour quantisation and patch-tokenizer reconstruction artefacts.
 */
import type { Rng } from '../../core/rng.ts';
import { clampByte, type RgbImage } from '../image.ts';

export const FEATURE_SIZE = 32;
/** 16×16 RGB (layout, colour) + full-resolution luminance of the central 24×24 (small details) + histograms, gradients, grain. */
export const FEATURE_DIM = 16 * 16 * 3 + 24 * 24 + 3 * 64 + 48 + 3;

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

export function imageFeatures(source: RgbImage, out = new Float32Array(FEATURE_DIM)): Float32Array {
  const image = resample(source);
  const n = FEATURE_SIZE;
  const d = image.data;
  const lum = (x: number, y: number) => {
    const i = (y * n + x) * 3;
    return (0.3 * (d[i] as number) + 0.59 * (d[i + 1] as number) + 0.11 * (d[i + 2] as number)) / 255;
  };
  let o = 0;
  for (let y = 0; y < n; y += 2)
    for (let x = 0; x < n; x += 2)
      for (let c = 0; c < 3; c++) {
        const i = (y * n + x) * 3 + c;
        out[o++] = ((d[i] as number) + (d[i + 3] as number) + (d[i + n * 3] as number) + (d[i + n * 3 + 3] as number)) / 1020;
      }
  for (let y = 4; y < n - 4; y++) for (let x = 4; x < n - 4; x++) out[o++] = lum(x, y);
  const hist = (x0: number, y0: number, x1: number, y1: number, ring: boolean) => {
    const h = new Float32Array(64);
    let count = 0;
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        if (ring && x >= 3 && x < n - 3 && y >= 3 && y < n - 3) continue;
        const i = (y * n + x) * 3;
        const bin = ((d[i] as number) >> 6) * 16 + ((d[i + 1] as number) >> 6) * 4 + ((d[i + 2] as number) >> 6);
        h[bin] = (h[bin] as number) + 1;
        count++;
      }
    for (let k = 0; k < 64; k++) out[o++] = Math.sqrt((h[k] as number) / count);
  };
  hist(0, 0, n, n, false);
  hist(0, 0, n, n, true);
  hist(8, 8, 24, 24, false);
  for (let gy = 0; gy < 4; gy++)
    for (let gx = 0; gx < 4; gx++) {
      let ex = 0;
      let ey = 0;
      let el = 0;
      for (let y = gy * 8 + 1; y < gy * 8 + 7; y++)
        for (let x = gx * 8 + 1; x < gx * 8 + 7; x++) {
          const c = lum(x, y);
          ex += Math.abs(lum(x + 1, y) - c);
          ey += Math.abs(lum(x, y + 1) - c);
          el += Math.abs(4 * c - lum(x - 1, y) - lum(x + 1, y) - lum(x, y - 1) - lum(x, y + 1));
        }
      out[o++] = ex / 36;
      out[o++] = ey / 36;
      out[o++] = el / 36;
    }
  let scan = 0;
  let grain = 0;
  let sat = 0;
  for (let y = 0; y + 1 < n; y++)
    for (let x = 1; x + 1 < n; x++) {
      scan += (y % 2 === 0 ? -1 : 1) * (lum(x, y + 1) - lum(x, y));
      grain += Math.abs(2 * lum(x, y) - lum(x - 1, y) - lum(x + 1, y));
    }
  for (let i = 0; i < d.length; i += 3) {
    const mx = Math.max(d[i] as number, d[i + 1] as number, d[i + 2] as number);
    const mn = Math.min(d[i] as number, d[i + 1] as number, d[i + 2] as number);
    sat += (mx - mn) / 255;
  }
  out[o++] = (scan / (n * n)) * 4;
  out[o++] = (grain / (n * n)) * 2;
  out[o++] = sat / (n * n);
  return out;
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
