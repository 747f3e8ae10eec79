/**
 * Small RGB images (the world's pixels), colour helpers, the post-processing half of the
 * styles (pixel art, surveillance grain) and PNG encode/decode through @napi-rs/canvas.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { readFileSync } from 'node:fs';
import type { Rng } from '../core/rng.ts';
import type { Style } from './spec.ts';
import { writeFileAtomic } from '../core/io.ts';
import { SeerError } from '../core/errors.ts';

/** Row-major RGB bytes: data[(y * width + x) * 3 + c]. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

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

export function clampByte(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

export function encodePng(image: RgbImage, scale = 1): Buffer {
  const canvas = createCanvas(image.width * scale, image.height * scale);
  const ctx = canvas.getContext('2d');
  const small = createCanvas(image.width, image.height);
  const sctx = small.getContext('2d');
  const imageData = sctx.createImageData(image.width, image.height);
  for (let i = 0, j = 0; j < image.data.length; i += 4, j += 3) {
    imageData.data[i] = image.data[j] as number;
    imageData.data[i + 1] = image.data[j + 1] as number;
    imageData.data[i + 2] = image.data[j + 2] as number;
    imageData.data[i + 3] = 255;
  }
  sctx.putImageData(imageData, 0, 0);
  if (scale === 1) return small.toBuffer('image/png');
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, image.width * scale, image.height * scale);
  return canvas.toBuffer('image/png');
}

export function writePng(path: string, image: RgbImage, scale = 1): void {
  writeFileAtomic(path, encodePng(image, scale));
}

export async function decodePng(bytes: Uint8Array): Promise<RgbImage> {
  const img = await loadImage(Buffer.from(bytes));
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const rgba = ctx.getImageData(0, 0, img.width, img.height).data;
  const data = new Uint8Array(img.width * img.height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    data[j] = rgba[i] as number;
    data[j + 1] = rgba[i + 1] as number;
    data[j + 2] = rgba[i + 2] as number;
  }
  return { width: img.width, height: img.height, data };
}

export async function readPng(path: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new SeerError('not_found', `${path}: cannot read image`, { cause });
  }
  try {
    return await decodePng(bytes);
  } catch (cause) {
    throw new SeerError('bad_file', `${path}: not a readable PNG`, { cause });
  }
}
