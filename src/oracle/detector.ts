/**
 * The oracle's attribute detector: reads an image and says, for every slot of the scene
 * specification, which value it shows and how sure it is. A small CNN (./cnn.ts, on the libtorch
 * engine) on raw pixels,
 * trained on freshly rendered, randomly degraded images with known specs — never on anything the
 * UMM produced. Weights ship in assets/oracle/ (`seer oracle train` rebuilds them; it checkpoints
 * and resumes). Training specs mix VIE-like scenes (few changed slots) with busy ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Rng } from '../core/rng.ts';
import { SeerError } from '../core/errors.ts';
import { writeFileAtomic, writeJson } from '../core/io.ts';
import { startProgress } from '../core/progress.ts';
import { ATTRIBUTES, ATTRIBUTE_VALUES, SUBJECTS, randomSpec, defaultSpec, type Attribute, type SceneSpec } from '../world/spec.ts';
import { renderSpec } from '../world/render.ts';
import type { RgbImage } from '../image/image.ts';
import { FEATURE_SIZE, degrade, resample } from './features.ts';
import { Cnn, imageInput } from './cnn.ts';

export const DEFAULT_DETECTOR_DIR = fileURLToPath(new URL('../../assets/oracle/', import.meta.url));

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
  version: z.literal(2),
  channels: z.array(z.number().int().positive()),
  dense: z.number().int().positive(),
  heads: z.array(z.number().int()),
  step: z.number().int().nonnegative(),
  training: z.record(z.string(), z.unknown()),
});

export interface TrainDetectorOptions {
  steps?: number;
  batch?: number;
  channels?: number[];
  dense?: number;
  lr?: number;
  seed?: number;
  quiet?: boolean;
  /** Folder for checkpoints every `checkpointEvery` steps; training resumes from it. */
  checkpointDir?: string;
  checkpointEvery?: number;
}

const INPUT_DIM = FEATURE_SIZE * FEATURE_SIZE * 3;

/** A training spec: half VIE-like (a few slots changed), half busy scenes, 4% empty scenes. */
function trainingSpec(rng: Rng): SceneSpec {
  const spec = randomSpec(rng, { pChange: rng.bool() ? 0.25 : 0.55 });
  return rng.bool(0.04) ? { ...spec, subject: null } : spec;
}

export class AttributeDetector {
  private readonly net: Cnn;
  private readonly channels: number[];
  private readonly dense: number;
  step = 0;

  constructor(channels: number[], dense: number, seed: number) {
    this.channels = channels;
    this.dense = dense;
    this.net = new Cnn({ size: FEATURE_SIZE, channels, dense, heads: HEADS }, new Rng(seed));
  }

  /**
   * Train on freshly rendered, randomly degraded images (no image is seen twice). With a
   * checkpoint folder it saves every `checkpointEvery` steps and resumes from the last save; the
   * data stream is re-derived from (seed, step), so a resumed run sees the same images.
   */
  static train(options: TrainDetectorOptions = {}): AttributeDetector {
    const steps = options.steps ?? 8000;
    const batch = options.batch ?? 64;
    const lr = options.lr ?? 2e-3;
    const seed = options.seed ?? 0;
    const dir = options.checkpointDir;
    const detector = dir && existsSync(join(dir, 'detector.json'))
      ? AttributeDetector.load(dir)
      : new AttributeDetector(options.channels ?? [32, 64, 64], options.dense ?? 256, seed);
    const progress = startProgress('oracle train', steps, { quiet: options.quiet ?? false });
    progress.tick(detector.step);
    let ema = 0;
    for (let step = detector.step; step < steps; step++) {
      const rng = new Rng(seed).fork(`detector-step-${step}`);
      const x = new Float32Array(batch * INPUT_DIM);
      const labels = HEADS.map(() => new Int32Array(batch));
      for (let b = 0; b < batch; b++) {
        const spec = trainingSpec(rng);
        let image = renderSpec(spec, { seed: rng.int(1 << 30) });
        if (rng.bool(0.6)) image = degrade(image, rng);
        imageInput(image.data, x.subarray(b * INPUT_DIM, (b + 1) * INPUT_DIM));
        encodeLabels(spec).forEach((label, h) => ((labels[h] as Int32Array)[b] = label));
      }
      const f = step / steps;
      const rate = f < 0.6 ? lr : lr * Math.max(0.02, 1 - (f - 0.6) / 0.4);
      const loss = detector.net.trainStep(x, labels, batch, rate);
      ema = ema === 0 ? loss : 0.98 * ema + 0.02 * loss;
      detector.step = step + 1;
      progress.tick(1, { loss: ema });
      if (dir && (detector.step % (options.checkpointEvery ?? 500) === 0 || detector.step === steps)) {
        detector.save(dir, { steps, batch, lr, seed, loss: ema });
      }
    }
    progress.stop();
    return detector;
  }

  detect(images: readonly RgbImage[]): Detection[] {
    const out: Detection[] = [];
    const chunk = 64;
    for (let start = 0; start < images.length; start += chunk) {
      const part = images.slice(start, start + chunk);
      const x = new Float32Array(part.length * INPUT_DIM);
      part.forEach((image, b) => imageInput(resample(image).data, x.subarray(b * INPUT_DIM, (b + 1) * INPUT_DIM)));
      const probs = this.net.predict(x, part.length);
      for (let b = 0; b < part.length; b++) out.push(decode(probs, b));
    }
    return out;
  }

  /** Weights only (not optimizer moments): a resumed run restarts Adam's moments, which we accept. */
  save(dir: string, training: Record<string, unknown>): void {
    const weights = this.net.exportWeights();
    writeFileAtomic(join(dir, 'detector.bin'), new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
    writeJson(join(dir, 'detector.json'), { version: 2, channels: this.channels, dense: this.dense, heads: HEADS, step: this.step, training });
  }

  static load(dir = DEFAULT_DETECTOR_DIR): AttributeDetector {
    const configPath = join(dir, 'detector.json');
    const binPath = join(dir, 'detector.bin');
    if (!existsSync(configPath) || !existsSync(binPath)) {
      throw new SeerError('not_found', `oracle detector not found in ${dir} (expected detector.json and detector.bin); run \`seer oracle train --out ${dir}\``);
    }
    const parsed = detectorConfigSchema.safeParse(JSON.parse(readFileSync(configPath, 'utf8')));
    if (!parsed.success || parsed.data.heads.join() !== HEADS.join()) {
      throw new SeerError('bad_file', `${configPath}: detector was trained for another world layout; retrain with \`seer oracle train\``);
    }
    const config = parsed.data;
    const bytes = readFileSync(binPath);
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const detector = new AttributeDetector(config.channels, config.dense, 0);
    detector.net.importWeights(weights);
    detector.step = config.step;
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
