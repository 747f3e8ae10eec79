/**
 * Measures the oracle's own accuracy on held-out renders (seeds never used in training): per
 * descriptor family (a family is right when all its slots are), overall (micro-average over
 * images × families) and the share of images with every family right; on clean renders and on
 * randomly degraded ones. `seer oracle eval --json`.
 */
import { Rng } from '../core/rng.ts';
import { FAMILIES, FAMILY_NAMES, randomSpec, type Family, type SceneSpec } from '../world/spec.ts';
import { renderSpec } from '../world/render.ts';
import { degrade } from './features.ts';
import type { AttributeDetector } from './detector.ts';
import type { RgbImage } from '../image/image.ts';

export interface OracleAccuracy {
  overall: number;
  by_family: Record<Family, number>;
  all_families: number;
  n: number;
}

export interface OracleEvalResult extends OracleAccuracy {
  degraded: OracleAccuracy;
}

/** Held-out seeds start far above anything training draws from (training uses a forked stream). */
export function heldOutRenders(n: number, seed: number, size = 32, pChange = 0.55): { specs: SceneSpec[]; images: RgbImage[] } {
  const rng = new Rng(seed).fork('oracle-heldout');
  const specs = Array.from({ length: n }, () => randomSpec(rng, { pChange }));
  const images = specs.map((s, i) => renderSpec(s, { seed: 2_000_000_000 + seed * 10_000 + i, size }));
  return { specs, images };
}

export function accuracyOf(detector: AttributeDetector, specs: readonly SceneSpec[], images: readonly RgbImage[]): OracleAccuracy {
  const detections = detector.detect(images);
  const correct = Object.fromEntries(FAMILY_NAMES.map((f) => [f, 0])) as Record<Family, number>;
  let allRight = 0;
  specs.forEach((spec, i) => {
    const found = detections[i]!.spec;
    let every = true;
    for (const family of FAMILY_NAMES) {
      const ok = FAMILIES[family].every((attr) => found[attr] === spec[attr]);
      if (ok) correct[family]++;
      else every = false;
    }
    if (every) allRight++;
  });
  const n = specs.length;
  const by_family = Object.fromEntries(FAMILY_NAMES.map((f) => [f, round(correct[f] / n)])) as Record<Family, number>;
  const overall = round(FAMILY_NAMES.reduce((s, f) => s + correct[f], 0) / (n * FAMILY_NAMES.length));
  return { overall, by_family, all_families: round(allRight / n), n };
}

/**
 * `pChange` is the chance each family leaves its default: 0.55 (the default) gives busy scenes;
 * ~0.25 gives scenes like the VIE dataset's (a few changed slots).
 */
export function evaluateOracle(detector: AttributeDetector, options: { n?: number; seed?: number; size?: number; pChange?: number } = {}): OracleEvalResult {
  const n = options.n ?? 1000;
  const seed = options.seed ?? 1;
  const { specs, images } = heldOutRenders(n, seed, options.size ?? 32, options.pChange ?? 0.55);
  const clean = accuracyOf(detector, specs, images);
  const rng = new Rng(seed).fork('oracle-degrade');
  const degraded = accuracyOf(detector, specs, images.map((im) => degrade(im, rng, { p: 0.5 })));
  return { ...clean, degraded };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
