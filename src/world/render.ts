/**
 * The VIE world's renderer: draws a SceneSpec to a small RGB image with @napi-rs/canvas (Skia).
 * Deterministic per (spec, seed): the seed varies the subject's size a little, the texture phase
 * and the atmosphere, so that two renders of one spec differ like two photos of one scene.
 *
 * Run `seer world gallery --out DIR` to see every family. Departure from the paper: the paper's
 * images come from a 1.5B UMM; ours are procedural, which makes compliance exactly checkable.
 */
import { createCanvas, type SKRSContext2D, type Path2D } from '@napi-rs/canvas';
import { Rng, hashSeed } from '../core/rng.ts';
import type { Background, Colour, Material, SceneSpec } from './spec.ts';
import { subjectShape } from './subjects.ts';
import type { RgbImage } from '../image/image.ts';
import { mix, shade, hex, applyStylePost } from './colour.ts';

export const DEFAULT_IMAGE_SIZE = 32;

const COLOUR_RGB: Record<Colour, string> = {
  red: '#d62828', orange: '#f07f13', yellow: '#f4d03f', green: '#2e9e44', blue: '#2f6fd6', purple: '#8a3fc0',
  pink: '#f58fc0', white: '#f4f4f0', black: '#26262b', brown: '#8b5a2b', gray: '#8c9096',
};

export function colourHex(colour: Colour): string {
  return COLOUR_RGB[colour];
}

export interface RenderOptions {
  size?: number;
  seed?: number;
}

/** Render a spec to RGB. */
export function renderSpec(spec: SceneSpec, options: RenderOptions = {}): RgbImage {
  const size = options.size ?? DEFAULT_IMAGE_SIZE;
  const seed = options.seed ?? 0;
  const rng = new Rng(hashSeed(seed, JSON.stringify(spec)));
  const ctx = contextFor(size);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, size, size);
  ctx.scale(size, size);
  const px = 1 / size;

  drawBackground(ctx, spec.background, rng, px);
  if (spec.subject) {
    const shape = subjectShape(spec.subject);
    ctx.save();
    // The subject stays put (like a studio shot); the seed varies its size a little, its textures
    // and the atmosphere. A fixed position keeps the world learnable by a tiny generator.
    const zoom = (spec.style === 'closeup' ? 1.5 : 1) * rng.uniform(0.97, 1.03);
    const cx = spec.style === 'closeup' ? shape.face.x : 0.5;
    const cy = spec.style === 'closeup' ? shape.face.y : 0.55;
    ctx.translate(0.5, 0.55);
    ctx.scale(zoom, zoom);
    ctx.translate(-cx, -cy);
    const lineScale = 1 / zoom;
    if (spec.style === 'sticker') drawStickerBorder(ctx, shape.path, px * lineScale);
    drawBody(ctx, shape.path, spec.material, spec.colour, spec.style === 'sketch', rng, px * lineScale);
    drawFace(ctx, shape.face, spec, px * lineScale);
    drawAccessory(ctx, shape.top, spec.accessory, px * lineScale);
    ctx.restore();
  }
  drawForeground(ctx, spec.background, rng, px);
  if (spec.style === 'sketch') drawHatching(ctx, px);

  const rgba = ctx.getImageData(0, 0, size, size).data;
  const data = new Uint8Array(size * size * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    data[j] = rgba[i] as number;
    data[j + 1] = rgba[i + 1] as number;
    data[j + 2] = rgba[i + 2] as number;
  }
  const image: RgbImage = { width: size, height: size, data };
  return applyStylePost(image, spec.style, rng);
}

/** One canvas per size, reused: native canvases are freed late by the GC, so allocating one per render grows memory. */
const canvases = new Map<number, SKRSContext2D>();
function contextFor(size: number): SKRSContext2D {
  let ctx = canvases.get(size);
  if (!ctx) {
    ctx = createCanvas(size, size).getContext('2d');
    canvases.set(size, ctx);
  }
  return ctx;
}

function drawBackground(ctx: SKRSContext2D, background: Background, rng: Rng, px: number): void {
  const fill = (colour: string) => {
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, 1, 1);
  };
  switch (background) {
    case 'plain':
      fill('#dfe4ea');
      break;
    case 'night': {
      fill('#101a3a');
      ctx.fillStyle = '#f4f1c8';
      ctx.beginPath();
      ctx.arc(0.84, 0.14, 0.07, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = '#ffffff';
      for (let i = 0; i < 6; i++) ctx.fillRect(rng.uniform(0.03, 0.95), rng.uniform(0.03, 0.3), 1.5 * px, 1.5 * px);
      break;
    }
    case 'storm': {
      fill('#3b4250');
      ctx.strokeStyle = '#ffe14d';
      ctx.lineWidth = 2.2 * px;
      const x = rng.uniform(0.08, 0.2);
      ctx.beginPath();
      ctx.moveTo(x + 0.08, 0.0);
      ctx.lineTo(x, 0.2);
      ctx.lineTo(x + 0.07, 0.22);
      ctx.lineTo(x - 0.02, 0.46);
      ctx.stroke();
      break;
    }
    case 'sparkles':
      fill('#fbd9ec');
      break;
    case 'fog':
      fill('#c9ccd0');
      break;
    case 'sunset': {
      const g = ctx.createLinearGradient(0, 0, 0, 1);
      g.addColorStop(0, '#6a2c91');
      g.addColorStop(0.55, '#f26b38');
      g.addColorStop(1, '#fbc15e');
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, 1, 1);
      break;
    }
    case 'snow':
      fill('#a9d3ee');
      break;
    case 'flames': {
      fill('#3a0d0d');
      ctx.fillStyle = '#e8461e';
      for (let i = 0; i < 7; i++) {
        const x = i / 6 + rng.uniform(-0.03, 0.03);
        ctx.beginPath();
        ctx.moveTo(x - 0.1, 1);
        ctx.lineTo(x, rng.uniform(0.62, 0.74));
        ctx.lineTo(x + 0.1, 1);
        ctx.fill();
      }
      break;
    }
  }
}

/** Atmosphere that lies over the subject (fog bands, snowflakes, sparkles, rain). */
function drawForeground(ctx: SKRSContext2D, background: Background, rng: Rng, px: number): void {
  if (background === 'fog') {
    ctx.fillStyle = 'rgba(240,242,245,0.55)';
    for (let y = 0.1; y < 1; y += 0.22) ctx.fillRect(0, y + rng.uniform(-0.02, 0.02), 1, 0.09);
  } else if (background === 'snow') {
    ctx.fillStyle = '#ffffff';
    for (let i = 0; i < 14; i++) ctx.fillRect(rng.uniform(0, 0.97), rng.uniform(0, 0.97), 1.6 * px, 1.6 * px);
  } else if (background === 'sparkles') {
    ctx.fillStyle = '#fff36b';
    for (let i = 0; i < 5; i++) {
      const x = rng.uniform(0.06, 0.94);
      const y = rng.uniform(0.06, 0.94);
      ctx.fillRect(x - 2.5 * px, y - 0.5 * px, 5 * px, 1.2 * px);
      ctx.fillRect(x - 0.5 * px, y - 2.5 * px, 1.2 * px, 5 * px);
    }
  } else if (background === 'storm') {
    ctx.strokeStyle = 'rgba(170,190,220,0.7)';
    ctx.lineWidth = 0.8 * px;
    for (let i = 0; i < 9; i++) {
      const x = rng.uniform(0, 1);
      const y = rng.uniform(0, 0.9);
      ctx.beginPath();
      ctx.moveTo(x, y);
      ctx.lineTo(x - 0.03, y + 0.1);
      ctx.stroke();
    }
  }
}

function drawStickerBorder(ctx: SKRSContext2D, path: Path2D, px: number): void {
  ctx.save();
  ctx.translate(1.2 * px, 1.2 * px);
  ctx.strokeStyle = 'rgba(0,0,0,0.35)';
  ctx.lineWidth = 5 * px;
  ctx.lineJoin = 'round';
  ctx.stroke(path);
  ctx.restore();
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 5 * px;
  ctx.lineJoin = 'round';
  ctx.stroke(path);
  ctx.fillStyle = '#ffffff';
  ctx.fill(path);
}

/**
 * Materials add a coarse texture (2–4 px, on the 4 px patch grid where it can) and tint the
 * colour only a little, so that material and colour both survive a patch tokenizer at 32×32.
 */
function drawBody(ctx: SKRSContext2D, path: Path2D, material: Material, colour: Colour, sketch: boolean, rng: Rng, px: number): void {
  let base = COLOUR_RGB[colour];
  if (sketch) base = mix(base, '#ffffff', 0.45);
  ctx.save();
  switch (material) {
    case 'plain':
      ctx.fillStyle = base;
      ctx.fill(path);
      break;
    case 'wood': {
      ctx.fillStyle = mix(base, '#8b5a2b', 0.15);
      ctx.fill(path);
      ctx.clip(path);
      ctx.fillStyle = shade(mix(base, '#5a3510', 0.3), 0.55);
      for (let y = 0; y < 1; y += 4 * px) ctx.fillRect(0, y + 2 * px, 1, 1.6 * px);
      break;
    }
    case 'stone': {
      ctx.fillStyle = mix(base, '#8a8a8a', 0.3);
      ctx.fill(path);
      ctx.clip(path);
      for (let i = 0; i < 26; i++) {
        ctx.fillStyle = rng.bool() ? '#303030' : '#e0e0e0';
        ctx.fillRect(Math.floor(rng.uniform(0, 1) / (2 * px)) * 2 * px, Math.floor(rng.uniform(0, 1) / (2 * px)) * 2 * px, 2 * px, 2 * px);
      }
      break;
    }
    case 'ice': {
      ctx.fillStyle = mix(base, '#c8f4ff', 0.45);
      ctx.fill(path);
      ctx.clip(path);
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 2 * px;
      for (let x = -1; x < 1; x += 0.25) {
        ctx.beginPath();
        ctx.moveTo(x, 1);
        ctx.lineTo(x + 1, 0);
        ctx.stroke();
      }
      ctx.restore();
      ctx.save();
      ctx.strokeStyle = '#3aa0d8';
      ctx.lineWidth = 1.5 * px;
      ctx.stroke(path);
      break;
    }
    case 'metal': {
      const g = ctx.createLinearGradient(0, 0.2, 0, 0.85);
      g.addColorStop(0, mix(base, '#ffffff', 0.6));
      g.addColorStop(0.45, mix(base, '#a0a6ac', 0.3));
      g.addColorStop(1, mix(base, '#202226', 0.55));
      ctx.fillStyle = g;
      ctx.fill(path);
      ctx.clip(path);
      ctx.fillStyle = '#1a1a1a';
      for (let x = 2 * px; x < 1; x += 8 * px) for (let y = 2 * px; y < 1; y += 8 * px) ctx.fillRect(x, y, 2 * px, 2 * px);
      break;
    }
    case 'glass': {
      ctx.fillStyle = hexAlpha(base, 0.4);
      ctx.fill(path);
      ctx.clip(path);
      ctx.fillStyle = 'rgba(255,255,255,0.95)';
      ctx.fillRect(0.36, 0, 2.5 * px, 1);
      ctx.fillRect(0.36 + 5 * px, 0, 1.2 * px, 1);
      ctx.restore();
      ctx.save();
      ctx.strokeStyle = shade(base, 0.75);
      ctx.lineWidth = 2 * px;
      ctx.stroke(path);
      break;
    }
    case 'plush': {
      const soft = mix(base, '#ffffff', 0.35);
      ctx.strokeStyle = soft;
      ctx.lineWidth = 4 * px;
      ctx.setLineDash([1.5 * px, 1.5 * px]);
      ctx.stroke(path);
      ctx.setLineDash([]);
      ctx.fillStyle = soft;
      ctx.fill(path);
      ctx.clip(path);
      ctx.fillStyle = mix(base, '#ffffff', 0.75);
      for (let x = 0; x < 1; x += 4 * px) for (let y = 0; y < 1; y += 4 * px) ctx.fillRect(x + px, y + px, 2 * px, 2 * px);
      break;
    }
    case 'plastic': {
      ctx.fillStyle = mix(base, '#ffffff', 0.1);
      ctx.fill(path);
      ctx.clip(path);
      ctx.fillStyle = '#ffffff';
      ctx.beginPath();
      ctx.ellipse(0.38, 0.42, 0.1, 0.06, -0.6, 0, Math.PI * 2);
      ctx.fill();
      ctx.beginPath();
      ctx.ellipse(0.62, 0.66, 0.07, 0.045, -0.6, 0, Math.PI * 2);
      ctx.fill();
      break;
    }
  }
  ctx.restore();
  if (material !== 'ice' && material !== 'glass') {
    ctx.strokeStyle = sketch ? '#222222' : shade(base, 0.55);
    ctx.lineWidth = (sketch ? 2 : 1) * px;
    ctx.stroke(path);
  }
}

function drawFace(ctx: SKRSContext2D, face: { x: number; y: number; r: number }, spec: SceneSpec, px: number): void {
  const { x, y } = face;
  const r = Math.max(face.r, 0.13);
  const dx = 0.42 * r;
  const eyeY = y - 0.15 * r;
  const dot = (cx: number, cy: number, rad: number, colour: string) => {
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.arc(cx, cy, rad, 0, Math.PI * 2);
    ctx.fill();
  };
  switch (spec.eyes) {
    case 'none':
      break;
    case 'dots':
      dot(x - dx, eyeY, 1.8 * px, '#111111');
      dot(x + dx, eyeY, 1.8 * px, '#111111');
      break;
    case 'big':
      dot(x - dx, eyeY, 3.4 * px, '#ffffff');
      dot(x + dx, eyeY, 3.4 * px, '#ffffff');
      dot(x - dx, eyeY + 0.5 * px, 1.9 * px, '#111111');
      dot(x + dx, eyeY + 0.5 * px, 1.9 * px, '#111111');
      break;
    case 'red':
      dot(x - dx, eyeY, 2.6 * px, '#ffb0a0');
      dot(x + dx, eyeY, 2.6 * px, '#ffb0a0');
      dot(x - dx, eyeY, 1.7 * px, '#ff0000');
      dot(x + dx, eyeY, 1.7 * px, '#ff0000');
      break;
    case 'angry':
      dot(x - dx, eyeY + px, 1.3 * px, '#111111');
      dot(x + dx, eyeY + px, 1.3 * px, '#111111');
      ctx.strokeStyle = '#111111';
      ctx.lineWidth = 2.2 * px;
      ctx.beginPath();
      ctx.moveTo(x - dx - 3 * px, eyeY - 3.5 * px);
      ctx.lineTo(x - dx + 2.5 * px, eyeY - 1.2 * px);
      ctx.moveTo(x + dx + 3 * px, eyeY - 3.5 * px);
      ctx.lineTo(x + dx - 2.5 * px, eyeY - 1.2 * px);
      ctx.stroke();
      break;
  }
  const mouthY = y + 0.35 * r;
  if (spec.mouth === 'smile') {
    ctx.strokeStyle = '#111111';
    ctx.lineWidth = 2 * px;
    ctx.beginPath();
    ctx.arc(x, mouthY - 2.5 * px, 4 * px, 0.15 * Math.PI, 0.85 * Math.PI);
    ctx.stroke();
  } else if (spec.mouth === 'fangs') {
    ctx.fillStyle = '#2a0505';
    ctx.fillRect(x - 5 * px, mouthY - 1.5 * px, 10 * px, 2.5 * px);
    ctx.fillStyle = '#ffffff';
    for (const side of [-1, 1]) {
      ctx.beginPath();
      ctx.moveTo(x + side * 4.5 * px, mouthY);
      ctx.lineTo(x + side * 1 * px, mouthY);
      ctx.lineTo(x + side * 2.75 * px, mouthY + 4.5 * px);
      ctx.fill();
    }
  }
  if (spec.blush) {
    ctx.fillStyle = '#ff5fa2';
    for (const side of [-1, 1]) {
      ctx.beginPath();
      ctx.ellipse(x + side * (dx + 2.6 * px), y + 0.14 * r, 2.8 * px, 1.8 * px, 0, 0, Math.PI * 2);
      ctx.fill();
    }
  }
}

function drawAccessory(ctx: SKRSContext2D, top: { x: number; y: number; w: number }, accessory: SceneSpec['accessory'], px: number): void {
  const { x, y } = top;
  const w = Math.max(top.w, 0.18);
  switch (accessory) {
    case 'none':
      break;
    case 'crown':
      ctx.fillStyle = '#ffc814';
      ctx.beginPath();
      ctx.moveTo(x - w / 2, y);
      ctx.lineTo(x - w / 2, y - 0.12);
      ctx.lineTo(x - w / 4, y - 0.06);
      ctx.lineTo(x, y - 0.14);
      ctx.lineTo(x + w / 4, y - 0.06);
      ctx.lineTo(x + w / 2, y - 0.12);
      ctx.lineTo(x + w / 2, y);
      ctx.closePath();
      ctx.fill();
      ctx.strokeStyle = '#9a6b00';
      ctx.lineWidth = 0.8 * px;
      ctx.stroke();
      break;
    case 'tophat':
      ctx.fillStyle = '#141414';
      ctx.fillRect(x - w / 2 - 0.04, y - 0.03, w + 0.08, 0.035);
      ctx.fillRect(x - w / 2 + 0.02, y - 0.17, w - 0.04, 0.15);
      ctx.fillStyle = '#c0392b';
      ctx.fillRect(x - w / 2 + 0.02, y - 0.06, w - 0.04, 0.03);
      break;
    case 'halo':
      ctx.strokeStyle = '#ffe45c';
      ctx.lineWidth = 2.2 * px;
      ctx.beginPath();
      ctx.ellipse(x, y - 0.1, w / 2, 0.04, 0, 0, Math.PI * 2);
      ctx.stroke();
      break;
    case 'horns':
      ctx.fillStyle = '#8e0d0d';
      for (const side of [-1, 1]) {
        ctx.beginPath();
        ctx.moveTo(x + side * (w / 2 - 0.08), y + 0.02);
        ctx.lineTo(x + side * (w / 2 + 0.06), y - 0.16);
        ctx.lineTo(x + side * (w / 2 + 0.01), y + 0.03);
        ctx.closePath();
        ctx.fill();
      }
      break;
    case 'bow':
      ctx.fillStyle = '#ff4f9a';
      ctx.beginPath();
      ctx.moveTo(x, y - 0.04);
      ctx.lineTo(x - 0.12, y - 0.12);
      ctx.lineTo(x - 0.12, y + 0.03);
      ctx.closePath();
      ctx.moveTo(x, y - 0.04);
      ctx.lineTo(x + 0.12, y - 0.12);
      ctx.lineTo(x + 0.12, y + 0.03);
      ctx.closePath();
      ctx.fill();
      ctx.fillStyle = '#c2185b';
      ctx.fillRect(x - 1.5 * px, y - 0.04 - 1.5 * px, 3 * px, 3 * px);
      break;
  }
}

function drawHatching(ctx: SKRSContext2D, px: number): void {
  ctx.strokeStyle = 'rgba(40,40,40,0.22)';
  ctx.lineWidth = 0.8 * px;
  for (let x = -1; x < 1; x += 4 * px) {
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x + 1, 1);
    ctx.stroke();
  }
}

function hexAlpha(colour: string, alpha: number): string {
  const [r, g, b] = hex(colour);
  return `rgba(${r},${g},${b},${alpha})`;
}
