/**
 * A contact sheet of the world: one row per descriptor family, one cell per value, drawn on a few
 * subjects, plus a row of every subject. Written as PNG and as an HTML page with captions, so a
 * person can see what the generator must learn. `seer world gallery --out DIR`.
 */
import { createCanvas } from '@napi-rs/canvas';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/io.ts';
import { ACCESSORIES, BACKGROUNDS, COLOURS, EYES, MATERIALS, MOUTHS, STYLES, SUBJECTS, defaultSpec, type SceneSpec } from './spec.ts';
import { captionOf } from './grammar.ts';
import { renderSpec } from './render.ts';
import { encodePng, type RgbImage } from '../image/image.ts';

interface GalleryRow {
  family: string;
  cells: { label: string; spec: SceneSpec }[];
}

export function galleryRows(): GalleryRow[] {
  const base = defaultSpec('cat');
  const vary = <K extends keyof SceneSpec>(key: K, values: readonly SceneSpec[K][], subject: SceneSpec['subject'] = 'cat') =>
    values.map((value) => ({ label: String(value), spec: { ...defaultSpec(subject), [key]: value } as SceneSpec }));
  return [
    { family: 'subject', cells: SUBJECTS.map((s) => ({ label: s, spec: defaultSpec(s) })) },
    { family: 'material', cells: [...vary('material', MATERIALS), ...vary('material', MATERIALS, 'teapot')] },
    { family: 'colour', cells: vary('colour', COLOURS, 'house') },
    { family: 'style', cells: [...vary('style', STYLES), ...vary('style', STYLES, 'robot')] },
    { family: 'accessory', cells: [...vary('accessory', ACCESSORIES), ...vary('accessory', ACCESSORIES, 'cup')] },
    { family: 'eyes', cells: vary('eyes', EYES) },
    { family: 'mouth', cells: [...vary('mouth', MOUTHS), { label: 'blush', spec: { ...base, blush: true } }] },
    { family: 'background', cells: vary('background', BACKGROUNDS, 'tree') },
  ];
}

export interface GalleryResult {
  png: string;
  html: string;
  cells: number;
}

export function writeGallery(outDir: string, options: { size?: number; scale?: number } = {}): GalleryResult {
  const size = options.size ?? 32;
  const scale = options.scale ?? 3;
  const rows = galleryRows();
  const cell = size * scale;
  const labelWidth = 90;
  const rowHeight = cell + 16;
  const columns = Math.max(...rows.map((r) => r.cells.length));
  const canvas = createCanvas(labelWidth + columns * (cell + 4), rows.length * rowHeight + 4);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = '11px sans-serif';
  const htmlRows: string[] = [];
  let count = 0;
  rows.forEach((row, r) => {
    const y = r * rowHeight + 2;
    ctx.fillStyle = '#000000';
    ctx.fillText(row.family, 4, y + cell / 2);
    const htmlCells: string[] = [];
    row.cells.forEach((c, i) => {
      const image = renderSpec(c.spec, { size, seed: 7 });
      const x = labelWidth + i * (cell + 4);
      drawImage(ctx, image, x, y, scale);
      ctx.fillStyle = '#333333';
      ctx.fillText(c.label.slice(0, 12), x, y + cell + 12);
      const dataUrl = `data:image/png;base64,${encodePng(image, scale).toString('base64')}`;
      htmlCells.push(`<figure><img src="${dataUrl}" alt="${escapeHtml(captionOf(c.spec))}"><figcaption>${escapeHtml(c.label)}<br><small>${escapeHtml(captionOf(c.spec))}</small></figcaption></figure>`);
      count++;
    });
    htmlRows.push(`<h2>${row.family}</h2><div class="row">${htmlCells.join('')}</div>`);
  });
  const png = join(outDir, 'gallery.png');
  const html = join(outDir, 'gallery.html');
  writeFileAtomic(png, canvas.toBuffer('image/png'));
  writeFileAtomic(
    html,
    `<!doctype html><meta charset="utf-8"><title>VIE world gallery</title><style>body{font-family:sans-serif}.row{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0;width:${cell + 20}px;font-size:11px}img{image-rendering:pixelated}</style><h1>VIE world: every descriptor family (${size}×${size})</h1>${htmlRows.join('')}`,
  );
  return { png, html, cells: count };
}

function drawImage(ctx: ReturnType<ReturnType<typeof createCanvas>['getContext']>, image: RgbImage, x0: number, y0: number, scale: number): void {
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 3;
      ctx.fillStyle = `rgb(${image.data[i]},${image.data[i + 1]},${image.data[i + 2]})`;
      ctx.fillRect(x0 + x * scale, y0 + y * scale, scale, scale);
    }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
