/**
 * Subject silhouettes of the VIE world, in unit coordinates (0..1 on both axes, y down), so the
 * renderer can draw them at any size. Each subject is one Path2D filled with its material, plus
 * two anchors: where a face goes and where a head accessory sits.
 */
import { Path2D } from '@napi-rs/canvas';
import type { Subject } from './spec.ts';

export interface SubjectShape {
  path: Path2D;
  /** Face centre and scale (eye spacing ≈ 0.6·r). */
  face: { x: number; y: number; r: number };
  /** Top of the silhouette where a crown/hat/halo/horns/bow sits, and its width. */
  top: { x: number; y: number; w: number };
}

type Builder = (p: Path2D) => Omit<SubjectShape, 'path'>;

function ellipse(p: Path2D, x: number, y: number, rx: number, ry: number): void {
  p.moveTo(x + rx, y);
  p.ellipse(x, y, rx, ry, 0, 0, Math.PI * 2);
  p.closePath();
}

function poly(p: Path2D, points: readonly (readonly [number, number])[]): void {
  const [first, ...rest] = points;
  if (!first) return;
  p.moveTo(first[0], first[1]);
  for (const [x, y] of rest) p.lineTo(x, y);
  p.closePath();
}

function rect(p: Path2D, x: number, y: number, w: number, h: number): void {
  poly(p, [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]);
}

const BUILDERS: Record<Subject, Builder> = {
  cat: (p) => {
    ellipse(p, 0.5, 0.58, 0.26, 0.24);
    poly(p, [[0.27, 0.47], [0.3, 0.22], [0.45, 0.37]]);
    poly(p, [[0.73, 0.47], [0.7, 0.22], [0.55, 0.37]]);
    return { face: { x: 0.5, y: 0.58, r: 0.22 }, top: { x: 0.5, y: 0.34, w: 0.22 } };
  },
  dog: (p) => {
    ellipse(p, 0.5, 0.55, 0.23, 0.24);
    ellipse(p, 0.25, 0.6, 0.08, 0.17);
    ellipse(p, 0.75, 0.6, 0.08, 0.17);
    ellipse(p, 0.5, 0.74, 0.13, 0.1);
    return { face: { x: 0.5, y: 0.55, r: 0.2 }, top: { x: 0.5, y: 0.31, w: 0.26 } };
  },
  owl: (p) => {
    ellipse(p, 0.5, 0.58, 0.2, 0.3);
    poly(p, [[0.32, 0.4], [0.3, 0.2], [0.44, 0.32]]);
    poly(p, [[0.68, 0.4], [0.7, 0.2], [0.56, 0.32]]);
    return { face: { x: 0.5, y: 0.47, r: 0.2 }, top: { x: 0.5, y: 0.29, w: 0.2 } };
  },
  fish: (p) => {
    ellipse(p, 0.44, 0.56, 0.27, 0.17);
    poly(p, [[0.66, 0.56], [0.88, 0.38], [0.88, 0.74]]);
    return { face: { x: 0.34, y: 0.54, r: 0.14 }, top: { x: 0.42, y: 0.39, w: 0.2 } };
  },
  house: (p) => {
    rect(p, 0.26, 0.48, 0.48, 0.36);
    poly(p, [[0.2, 0.5], [0.5, 0.22], [0.8, 0.5]]);
    return { face: { x: 0.5, y: 0.64, r: 0.2 }, top: { x: 0.5, y: 0.23, w: 0.2 } };
  },
  tree: (p) => {
    ellipse(p, 0.5, 0.44, 0.28, 0.24);
    rect(p, 0.44, 0.6, 0.12, 0.28);
    return { face: { x: 0.5, y: 0.45, r: 0.2 }, top: { x: 0.5, y: 0.2, w: 0.24 } };
  },
  car: (p) => {
    rect(p, 0.14, 0.52, 0.72, 0.2);
    poly(p, [[0.3, 0.52], [0.38, 0.36], [0.64, 0.36], [0.72, 0.52]]);
    ellipse(p, 0.3, 0.74, 0.08, 0.08);
    ellipse(p, 0.7, 0.74, 0.08, 0.08);
    return { face: { x: 0.5, y: 0.6, r: 0.17 }, top: { x: 0.51, y: 0.36, w: 0.22 } };
  },
  boat: (p) => {
    poly(p, [[0.14, 0.62], [0.86, 0.62], [0.72, 0.8], [0.28, 0.8]]);
    poly(p, [[0.5, 0.2], [0.5, 0.58], [0.74, 0.58]]);
    rect(p, 0.47, 0.2, 0.04, 0.42);
    return { face: { x: 0.5, y: 0.7, r: 0.14 }, top: { x: 0.5, y: 0.2, w: 0.16 } };
  },
  swing: (p) => {
    poly(p, [[0.16, 0.86], [0.3, 0.24], [0.35, 0.24], [0.22, 0.86]]);
    poly(p, [[0.84, 0.86], [0.7, 0.24], [0.65, 0.24], [0.78, 0.86]]);
    rect(p, 0.26, 0.22, 0.48, 0.06);
    rect(p, 0.41, 0.28, 0.03, 0.34);
    rect(p, 0.56, 0.28, 0.03, 0.34);
    rect(p, 0.37, 0.62, 0.26, 0.07);
    return { face: { x: 0.5, y: 0.45, r: 0.12 }, top: { x: 0.5, y: 0.22, w: 0.26 } };
  },
  lamp: (p) => {
    rect(p, 0.46, 0.34, 0.08, 0.48);
    poly(p, [[0.32, 0.34], [0.4, 0.18], [0.6, 0.18], [0.68, 0.34]]);
    rect(p, 0.36, 0.82, 0.28, 0.06);
    return { face: { x: 0.5, y: 0.27, r: 0.12 }, top: { x: 0.5, y: 0.18, w: 0.18 } };
  },
  bridge: (p) => {
    p.moveTo(0.1, 0.42);
    p.lineTo(0.9, 0.42);
    p.lineTo(0.9, 0.8);
    p.lineTo(0.76, 0.8);
    p.ellipse(0.5, 0.8, 0.26, 0.24, 0, 0, Math.PI, true);
    p.lineTo(0.1, 0.8);
    p.closePath();
    rect(p, 0.1, 0.34, 0.06, 0.08);
    rect(p, 0.84, 0.34, 0.06, 0.08);
    return { face: { x: 0.5, y: 0.49, r: 0.12 }, top: { x: 0.5, y: 0.42, w: 0.24 } };
  },
  mushroom: (p) => {
    p.moveTo(0.18, 0.5);
    p.ellipse(0.5, 0.5, 0.32, 0.26, 0, Math.PI, Math.PI * 2);
    p.closePath();
    rect(p, 0.4, 0.5, 0.2, 0.32);
    return { face: { x: 0.5, y: 0.64, r: 0.12 }, top: { x: 0.5, y: 0.24, w: 0.24 } };
  },
  table: (p) => {
    rect(p, 0.12, 0.44, 0.76, 0.08);
    rect(p, 0.18, 0.52, 0.07, 0.32);
    rect(p, 0.75, 0.52, 0.07, 0.32);
    return { face: { x: 0.5, y: 0.48, r: 0.1 }, top: { x: 0.5, y: 0.44, w: 0.26 } };
  },
  chair: (p) => {
    rect(p, 0.3, 0.18, 0.08, 0.66);
    rect(p, 0.3, 0.52, 0.4, 0.08);
    rect(p, 0.62, 0.6, 0.08, 0.24);
    rect(p, 0.3, 0.18, 0.3, 0.2);
    return { face: { x: 0.45, y: 0.28, r: 0.12 }, top: { x: 0.45, y: 0.18, w: 0.2 } };
  },
  teapot: (p) => {
    ellipse(p, 0.5, 0.6, 0.24, 0.2);
    poly(p, [[0.3, 0.6], [0.12, 0.44], [0.16, 0.42], [0.32, 0.52]]);
    p.moveTo(0.72, 0.48);
    p.ellipse(0.74, 0.6, 0.12, 0.12, 0, -Math.PI / 2, Math.PI / 2);
    p.lineTo(0.72, 0.68);
    p.ellipse(0.74, 0.6, 0.06, 0.07, 0, Math.PI / 2, -Math.PI / 2, true);
    p.closePath();
    ellipse(p, 0.5, 0.38, 0.05, 0.04);
    return { face: { x: 0.5, y: 0.6, r: 0.17 }, top: { x: 0.5, y: 0.38, w: 0.2 } };
  },
  clock: (p) => {
    ellipse(p, 0.5, 0.55, 0.27, 0.27);
    ellipse(p, 0.3, 0.28, 0.08, 0.06);
    ellipse(p, 0.7, 0.28, 0.08, 0.06);
    rect(p, 0.3, 0.8, 0.06, 0.07);
    rect(p, 0.64, 0.8, 0.06, 0.07);
    return { face: { x: 0.5, y: 0.55, r: 0.22 }, top: { x: 0.5, y: 0.28, w: 0.2 } };
  },
  robot: (p) => {
    rect(p, 0.33, 0.24, 0.34, 0.26);
    rect(p, 0.28, 0.52, 0.44, 0.32);
    rect(p, 0.48, 0.14, 0.04, 0.1);
    ellipse(p, 0.5, 0.13, 0.04, 0.04);
    return { face: { x: 0.5, y: 0.37, r: 0.16 }, top: { x: 0.5, y: 0.2, w: 0.22 } };
  },
  rocket: (p) => {
    rect(p, 0.4, 0.34, 0.2, 0.44);
    poly(p, [[0.4, 0.34], [0.5, 0.12], [0.6, 0.34]]);
    poly(p, [[0.4, 0.6], [0.26, 0.86], [0.4, 0.78]]);
    poly(p, [[0.6, 0.6], [0.74, 0.86], [0.6, 0.78]]);
    return { face: { x: 0.5, y: 0.46, r: 0.1 }, top: { x: 0.5, y: 0.16, w: 0.14 } };
  },
  bell: (p) => {
    p.moveTo(0.22, 0.76);
    p.lineTo(0.3, 0.46);
    p.ellipse(0.5, 0.46, 0.2, 0.22, 0, Math.PI, Math.PI * 2);
    p.lineTo(0.78, 0.76);
    p.closePath();
    ellipse(p, 0.5, 0.82, 0.06, 0.06);
    return { face: { x: 0.5, y: 0.54, r: 0.17 }, top: { x: 0.5, y: 0.25, w: 0.2 } };
  },
  cup: (p) => {
    poly(p, [[0.26, 0.38], [0.66, 0.38], [0.62, 0.8], [0.3, 0.8]]);
    p.moveTo(0.65, 0.44);
    p.ellipse(0.68, 0.57, 0.13, 0.13, 0, -Math.PI / 2, Math.PI / 2);
    p.lineTo(0.64, 0.64);
    p.ellipse(0.68, 0.57, 0.06, 0.07, 0, Math.PI / 2, -Math.PI / 2, true);
    p.closePath();
    return { face: { x: 0.46, y: 0.58, r: 0.16 }, top: { x: 0.46, y: 0.38, w: 0.24 } };
  },
  umbrella: (p) => {
    p.moveTo(0.16, 0.5);
    p.ellipse(0.5, 0.5, 0.34, 0.3, 0, Math.PI, Math.PI * 2);
    p.closePath();
    rect(p, 0.48, 0.5, 0.04, 0.3);
    rect(p, 0.38, 0.78, 0.14, 0.04);
    return { face: { x: 0.5, y: 0.38, r: 0.16 }, top: { x: 0.5, y: 0.2, w: 0.2 } };
  },
  cactus: (p) => {
    rect(p, 0.42, 0.22, 0.16, 0.64);
    rect(p, 0.24, 0.4, 0.08, 0.2);
    rect(p, 0.24, 0.56, 0.2, 0.07);
    rect(p, 0.68, 0.34, 0.08, 0.2);
    rect(p, 0.56, 0.5, 0.2, 0.07);
    return { face: { x: 0.5, y: 0.38, r: 0.1 }, top: { x: 0.5, y: 0.22, w: 0.16 } };
  },
  snail: (p) => {
    ellipse(p, 0.56, 0.5, 0.22, 0.22);
    poly(p, [[0.14, 0.72], [0.86, 0.72], [0.86, 0.8], [0.14, 0.8]]);
    ellipse(p, 0.2, 0.62, 0.08, 0.12);
    return { face: { x: 0.2, y: 0.6, r: 0.09 }, top: { x: 0.56, y: 0.28, w: 0.2 } };
  },
  vase: (p) => {
    ellipse(p, 0.5, 0.64, 0.22, 0.2);
    rect(p, 0.42, 0.24, 0.16, 0.3);
    rect(p, 0.36, 0.2, 0.28, 0.06);
    return { face: { x: 0.5, y: 0.66, r: 0.15 }, top: { x: 0.5, y: 0.2, w: 0.2 } };
  },
};

const cache = new Map<Subject, SubjectShape>();

/** The subject's silhouette and anchors (built once per subject). */
export function subjectShape(subject: Subject): SubjectShape {
  let shape = cache.get(subject);
  if (!shape) {
    const path = new Path2D();
    shape = { path, ...BUILDERS[subject](path) };
    cache.set(subject, shape);
  }
  return shape;
}
