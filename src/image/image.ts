/**
 * The one image module: small RGB images (the world's pixels, what every role passes around),
 * PNG encode/decode through @napi-rs/canvas, and images across process boundaries — `RgbImage`
 * ↔ base64 PNG / data URL (what OpenAI-compatible chat and images endpoints carry) and resizing
 * between the world's 32 px and a real model's size (Janus-Pro draws 384 px, hosted image APIs
 * 1024 px). The OpenAI client, `seer serve` and the transformers.js backend all convert here, so
 * all three convert the same way.
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/io.ts';
import { SeerError } from '../core/errors.ts';

/** Row-major RGB bytes: data[(y * width + x) * 3 + c]. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
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

export function toBase64Png(image: RgbImage): string {
  return encodePng(image).toString('base64');
}

export function toDataUrl(image: RgbImage): string {
  return `data:image/png;base64,${toBase64Png(image)}`;
}

const DATA_URL = /^data:image\/(png|jpeg|jpg|webp|gif);base64,([A-Za-z0-9+/=\s]+)$/;

/** Decodes a `data:image/…;base64,…` URL (PNG, JPEG, WebP or GIF); anything else is bad input. */
export async function fromDataUrl(url: string): Promise<RgbImage> {
  const m = DATA_URL.exec(url.trim());
  if (!m) {
    const head = url.slice(0, 40);
    throw new SeerError('bad_input', `image_url must be a base64 data URL (data:image/png;base64,…); got "${head}${url.length > 40 ? '…' : ''}" (remote URLs are not fetched)`);
  }
  return fromBase64(m[2]!);
}

export async function fromBase64(b64: string): Promise<RgbImage> {
  const bytes = Buffer.from(b64.replace(/\s+/g, ''), 'base64');
  if (bytes.length === 0) throw new SeerError('bad_input', 'empty base64 image');
  try {
    return await decodePng(bytes);
  } catch (cause) {
    throw new SeerError('bad_input', `base64 image is not a readable PNG/JPEG/WebP (${bytes.length} bytes)`, { cause });
  }
}

/**
 * Area-average resize: each output pixel is the mean of the source pixels its cell covers
 * (weighted by overlap), so shrinking 1024 → 32 keeps colours instead of aliasing; enlarging
 * degenerates to nearest-neighbour blocks.
 */
export function resizeImage(image: RgbImage, width: number, height: number): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new SeerError('bad_input', `cannot resize to ${width}×${height}`);
  }
  if (image.width === width && image.height === height) return { width, height, data: new Uint8Array(image.data) };
  const sx = image.width / width;
  const sy = image.height / height;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const y0 = y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < width; x++) {
      const x0 = x * sx;
      const x1 = x0 + sx;
      const acc = [0, 0, 0];
      let total = 0;
      for (let v = Math.floor(y0); v < Math.min(image.height, Math.ceil(y1)); v++) {
        const wy = Math.min(y1, v + 1) - Math.max(y0, v);
        for (let u = Math.floor(x0); u < Math.min(image.width, Math.ceil(x1)); u++) {
          const w = wy * (Math.min(x1, u + 1) - Math.max(x0, u));
          const i = (v * image.width + u) * 3;
          acc[0]! += w * (image.data[i] as number);
          acc[1]! += w * (image.data[i + 1] as number);
          acc[2]! += w * (image.data[i + 2] as number);
          total += w;
        }
      }
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) out[o + c] = Math.round(acc[c]! / total);
    }
  }
  return { width, height, data: out };
}
