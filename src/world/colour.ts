/**
 * The world's colour helpers (#rrggbb parse, blend, shade) and the post-processing half of the
 * styles (pixel art, surveillance grain), applied by the renderer after drawing.
 */
import type { Rng } from '../core/rng.ts';
import { clampByte, type RgbImage } from '../image/image.ts';
import type { Style } from './spec.ts';

export function hex(colour: string): [number, number, number] {
  const v = parseInt(colour.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function toHex(r: number, g: number, b: number): string {
  const c = (v: number) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0');
  return `#${c(r)}${c(g)}${c(b)}`;
}

/** Linear blend of two #rrggbb colours; t = 0 gives a, t = 1 gives b. */
export function mix(a: string, b: string, t: number): string {
  const [ar, ag, ab] = hex(a);
  const [br, bg, bb] = hex(b);
  return toHex(ar + (br - ar) * t, ag + (bg - ag) * t, ab + (bb - ab) * t);
}

/** Multiply a colour's channels by k (k < 1 darkens). */
export function shade(colour: string, k: number): string {
  const [r, g, b] = hex(colour);
  return toHex(r * k, g * k, b * k);
}

/** The per-pixel part of a style, applied after drawing. */
export function applyStylePost(image: RgbImage, style: Style, rng: Rng): RgbImage {
  if (style === 'pixel') return pixelate(image, Math.max(2, Math.round(image.width / 16)));
  if (style === 'surveillance') return surveillance(image, rng);
  return image;
}

/** 8-bit look: average over `block`×`block` cells, posterise to 6 levels per channel. */
function pixelate(image: RgbImage, block: number): RgbImage {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let by = 0; by < height; by += block) {
    for (let bx = 0; bx < width; bx += block) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        let n = 0;
        for (let y = by; y < Math.min(by + block, height); y++)
          for (let x = bx; x < Math.min(bx + block, width); x++) {
            sum += data[(y * width + x) * 3 + c] as number;
            n++;
          }
        const v = Math.min(255, Math.round(sum / n / 51) * 51);
        for (let y = by; y < Math.min(by + block, height); y++)
          for (let x = bx; x < Math.min(bx + block, width); x++) out[(y * width + x) * 3 + c] = v;
      }
    }
  }
  return { width, height, data: out };
}

/** Grainy security-camera still: desaturated green cast, noise, scanlines, a red REC dot. */
function surveillance(image: RgbImage, rng: Rng): RgbImage {
  const { width, height, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const r = data[i] as number;
      const g = data[i + 1] as number;
      const b = data[i + 2] as number;
      const lum = 0.3 * r + 0.59 * g + 0.11 * b;
      const noise = rng.uniform(-14, 14);
      const scan = y % 2 === 0 ? 0.8 : 1;
      out[i] = clampByte((0.6 * r + 0.4 * lum) * 0.85 * scan + noise);
      out[i + 1] = clampByte((0.6 * g + 0.4 * lum) * 0.95 * scan + 18 + noise);
      out[i + 2] = clampByte((0.6 * b + 0.4 * lum) * 0.8 * scan + noise);
    }
  }
  const dot = Math.max(1, Math.round(width / 16));
  for (let y = 1; y < 1 + dot; y++)
    for (let x = 1; x < 1 + dot; x++) {
      const i = (y * width + x) * 3;
      out[i] = 255;
      out[i + 1] = 20;
      out[i + 2] = 20;
    }
  return { width, height, data: out };
}
