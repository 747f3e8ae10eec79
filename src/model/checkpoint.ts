/**
 * SEER-Mini checkpoints: a folder with `config.json` (transformer config and provenance),
 * `model.safetensors`, `text-tokenizer.json` and `image-tokenizer.json`, each written atomically.
 * `config.json` is written last, so a folder with a config is complete.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SeerError } from '../core/errors.ts';
import { readJson, writeJson } from '../core/io.ts';
import { readSafetensors, writeSafetensors } from './safetensors.ts';
import { transformerConfigSchema, Transformer } from './transformer.ts';
import { TextTokenizer } from './text-tokenizer.ts';
import { ImageTokenizer } from './image-tokenizer.ts';
import { JUDGE_DESCRIPTIONS, SeerMini } from './umm.ts';

/** The shipped base checkpoint (pretrained by `seer pretrain --recipe default`). */
export const BASE_CHECKPOINT_DIR = fileURLToPath(new URL('../../checkpoints/seer-mini-base/', import.meta.url));

const checkpointConfigSchema = z.object({
  format: z.literal('seer-mini/1'),
  transformer: transformerConfigSchema,
  provenance: z.record(z.string(), z.unknown()),
  judge: z.object({ descriptions: z.enum(JUDGE_DESCRIPTIONS) }).default({ descriptions: 'written' }).describe("how the model judges (SeerMini.judgeDescriptions); absent in checkpoints from before it existed: 'written'"),
  generate: z.object({ guidance: z.number().positive() }).default({ guidance: 1 }).describe('how the generator draws (SeerMini.imageGuidance, the classifier-free guidance scale); absent in checkpoints from before it existed: 1, none'),
});

export function saveSeerMini(dir: string, model: SeerMini, provenance: Record<string, unknown>): void {
  writeSafetensors(join(dir, 'model.safetensors'), model.transformer.exportWeights(), { format: 'seer-mini/1' });
  writeJson(join(dir, 'text-tokenizer.json'), model.text.toJSON());
  writeJson(join(dir, 'image-tokenizer.json'), model.image.toJSON());
  writeJson(join(dir, 'config.json'), { format: 'seer-mini/1', transformer: model.transformer.config, provenance, judge: { descriptions: model.judgeDescriptions }, generate: { guidance: model.imageGuidance } });
}

export function loadSeerMini(dir = BASE_CHECKPOINT_DIR): { model: SeerMini; provenance: Record<string, unknown> } {
  if (!existsSync(join(dir, 'config.json'))) {
    throw new SeerError('not_found', `no SEER-Mini checkpoint in ${dir} (expected config.json, model.safetensors, text-tokenizer.json, image-tokenizer.json); run \`seer pretrain --out ${dir}\``);
  }
  const config = readJson(join(dir, 'config.json'), checkpointConfigSchema);
  const text = TextTokenizer.fromJSON(JSON.parse(readFileSync(join(dir, 'text-tokenizer.json'), 'utf8')));
  const image = ImageTokenizer.fromJSON(JSON.parse(readFileSync(join(dir, 'image-tokenizer.json'), 'utf8')));
  const transformer = new Transformer(config.transformer);
  transformer.importWeights(readSafetensors(join(dir, 'model.safetensors')).tensors);
  const model = new SeerMini(transformer, text, image);
  model.judgeDescriptions = config.judge.descriptions;
  model.imageGuidance = config.generate.guidance;
  return { model, provenance: config.provenance };
}
