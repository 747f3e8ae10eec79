/**
 * The oracle's attribute detector: reads an image and says, for every slot of the scene
 * specification, which value it shows and how sure it is. An MLP (./mlp.ts) over image features
 * (./features.ts), trained on freshly rendered, randomly degraded images with known specs — never
 * on anything the UMM produced. Weights ship in assets/oracle/ (`seer oracle train` rebuilds them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Rng } from '../../core/rng.ts';
import { SeerError } from '../../core/errors.ts';
import { writeFileAtomic, writeJson } from '../../core/io.ts';
import { startProgress } from '../../core/progress.ts';
import { ATTRIBUTES, ATTRIBUTE_VALUES, SUBJECTS, randomSpec, defaultSpec, type Attribute, type SceneSpec } from '../spec.ts';
import { renderSpec } from '../render.ts';
import type { RgbImage } from '../image.ts';
import { FEATURE_DIM, degrade, imageFeatures } from './features.ts';
import { Mlp } from './mlp.ts';

export const DEFAULT_DETECTOR_DIR = fileURLToPath(new URL('../../../assets/oracle/', import.meta.url));

/** Class lists per head; the subject head has a final "none" class for empty scenes. */
export const HEAD_CLASSES: Record<Attribute, readonly (string | boolean | null)[]> = {
  ...ATTRIBUTE_VALUES,
  subject: [...SUBJECTS, null],
};
const HEADS = ATTRIBUTES.map((attr) => HEAD_CLASSES[attr].length);

export interface Detection {
  spec: SceneSpec;
  /** Probability of the chosen value per slot. */
  confidence: Record<Attribute, number>;
  /** Full distribution per slot, in HEAD_CLASSES order. */
  probs: Record<Attribute, Float32Array>;
}

export const detectorConfigSchema = z.object({
  version: z.literal(1),
  hidden: z.array(z.number().int().positive()),
  featureDim: z.number().int(),
  heads: z.array(z.number().int()),
  training: z.record(z.string(), z.unknown()),
});

export interface TrainDetectorOptions {
  steps?: number;
  batch?: number;
  hidden?: number[];
  lr?: number;
  seed?: number;
  size?: number;
  quiet?: boolean;
}

export class AttributeDetector {
  private readonly mlp: Mlp;

  constructor(mlp: Mlp) {
    this.mlp = mlp;
  }

  static fresh(hidden: number[], seed: number): AttributeDetector {
    return new AttributeDetector(new Mlp({ input: FEATURE_DIM, hidden, heads: HEADS }, new Rng(seed)));
  }

  /** Train on freshly rendered, randomly degraded images (no image is seen twice). */
  static train(options: TrainDetectorOptions = {}): AttributeDetector {
    const steps = options.steps ?? 6000;
    const batch = options.batch ?? 64;
    const lr = options.lr ?? 1.5e-3;
    const seed = options.seed ?? 0;
    const detector = AttributeDetector.fresh(options.hidden ?? [256], seed);
    const rng = new Rng(seed).fork('detector-data');
    const progress = startProgress('oracle train', steps, { quiet: options.quiet ?? false });
    let ema = 0;
    for (let step = 0; step < steps; step++) {
      const x = new Float32Array(batch * FEATURE_DIM);
      const labels = HEADS.map(() => new Int32Array(batch));
      for (let b = 0; b < batch; b++) {
        const spec = rng.bool(0.04) ? { ...randomSpec(rng, { pChange: 0.55 }), subject: null } : randomSpec(rng, { pChange: 0.55 });
        let image = renderSpec(spec, { seed: rng.int(1 << 30), size: options.size ?? 32 });
        if (rng.bool(0.6)) image = degrade(image, rng);
        imageFeatures(image, x.subarray(b * FEATURE_DIM, (b + 1) * FEATURE_DIM));
        encodeLabels(spec).forEach((label, h) => ((labels[h] as Int32Array)[b] = label));
      }
      const progressFraction = step / steps;
      const rate = progressFraction < 0.7 ? lr : lr * (1 - (progressFraction - 0.7) / 0.3) + lr * 0.02;
      const loss = detector.mlp.trainStep(x, labels, batch, rate);
      ema = step === 0 ? loss : 0.98 * ema + 0.02 * loss;
      progress.tick(1, { loss: ema });
    }
    progress.stop();
    return detector;
  }

  detect(images: readonly RgbImage[]): Detection[] {
    const out: Detection[] = [];
    const chunk = 64;
    for (let start = 0; start < images.length; start += chunk) {
      const part = images.slice(start, start + chunk);
      const x = new Float32Array(part.length * FEATURE_DIM);
      part.forEach((image, b) => imageFeatures(image, x.subarray(b * FEATURE_DIM, (b + 1) * FEATURE_DIM)));
      const probs = this.mlp.predict(x, part.length);
      for (let b = 0; b < part.length; b++) out.push(decode(probs, b));
    }
    return out;
  }

  save(dir: string, training: Record<string, unknown>): void {
    const weights = this.mlp.exportWeights();
    writeFileAtomic(join(dir, 'detector.bin'), new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
    writeJson(join(dir, 'detector.json'), {
      version: 1,
      hidden: this.mlp.shape.hidden,
      featureDim: FEATURE_DIM,
      heads: HEADS,
      training,
    });
  }

  static load(dir = DEFAULT_DETECTOR_DIR): AttributeDetector {
    const configPath = join(dir, 'detector.json');
    const binPath = join(dir, 'detector.bin');
    if (!existsSync(configPath) || !existsSync(binPath)) {
      throw new SeerError('not_found', `oracle detector not found in ${dir} (expected detector.json and detector.bin); run \`seer oracle train --out ${dir}\``);
    }
    const config = detectorConfigSchema.parse(JSON.parse(readFileSync(configPath, 'utf8')));
    if (config.featureDim !== FEATURE_DIM || config.heads.join() !== HEADS.join()) {
      throw new SeerError('bad_file', `${configPath}: detector was trained for another world layout; retrain with \`seer oracle train\``);
    }
    const bytes = readFileSync(binPath);
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const detector = AttributeDetector.fresh(config.hidden, 0);
    detector.mlp.importWeights(weights);
    return detector;
  }
}

let shipped: AttributeDetector | undefined;
/** The detector shipped in assets/oracle, loaded once. */
export function shippedDetector(): AttributeDetector {
  shipped ??= AttributeDetector.load();
  return shipped;
}

function encodeLabels(spec: SceneSpec): number[] {
  return ATTRIBUTES.map((attr) => {
    if (spec.subject === null && attr !== 'subject' && attr !== 'background' && attr !== 'style') return -1;
    return HEAD_CLASSES[attr].indexOf(spec[attr]);
  });
}

function decode(probs: Float32Array[], b: number): Detection {
  const spec = defaultSpec(null) as unknown as Record<Attribute, unknown>;
  const confidence = {} as Record<Attribute, number>;
  const dist = {} as Record<Attribute, Float32Array>;
  ATTRIBUTES.forEach((attr, h) => {
    const classes = HEAD_CLASSES[attr];
    const p = (probs[h] as Float32Array).subarray(b * classes.length, (b + 1) * classes.length);
    let best = 0;
    for (let k = 1; k < classes.length; k++) if ((p[k] as number) > (p[best] as number)) best = k;
    spec[attr] = classes[best];
    confidence[attr] = p[best] as number;
    dist[attr] = p.slice();
  });
  return { spec: spec as unknown as SceneSpec, confidence, probs: dist };
}
