/**
 * What a local Janus-Pro ONNX folder must hold (the layout of `onnx-community/Janus-Pro-1B-ONNX`,
 * as transformers.js's `multi_modality` model type loads it), checked before transformers.js is
 * even imported, so a missing or half-copied folder gets one message that lists every missing file
 * and how to fix it. Nothing is ever downloaded: seer loads only from this folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SeerError } from '../../core/errors.ts';

/** The six ONNX graphs of transformers.js's MultiModalityCausalLM, by session name → file stem. */
export const JANUS_SESSIONS = {
  prepare_inputs_embeds: 'prepare_inputs_embeds',
  model: 'language_model',
  lm_head: 'lm_head',
  gen_head: 'gen_head',
  gen_img_embeds: 'gen_img_embeds',
  image_decode: 'image_decode',
} as const;
export type JanusSession = keyof typeof JANUS_SESSIONS;

/** transformers.js's quantisation names → file suffix (fp32 has none). */
export const DTYPE_SUFFIX = { fp32: '', fp16: '_fp16', int8: '_int8', uint8: '_uint8', q8: '_quantized', q4: '_q4', q4f16: '_q4f16', bnb4: '_bnb4' } as const;
export type Dtype = keyof typeof DTYPE_SUFFIX;
export const dtypeSchema = z.enum(Object.keys(DTYPE_SUFFIX) as [Dtype, ...Dtype[]]);
/** One dtype for every graph, or one per session (missing sessions fall back to fp32). */
export const dtypeOptionSchema = z.union([dtypeSchema, z.record(z.string(), dtypeSchema)]);
export type DtypeOption = z.infer<typeof dtypeOptionSchema>;

export const CONFIG_FILES = ['config.json', 'preprocessor_config.json', 'processor_config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

const configSchema = z.object({
  model_type: z.string(),
  'transformers.js_config': z
    .object({
      dtype: dtypeOptionSchema.optional(),
      use_external_data_format: z.union([z.boolean(), z.number(), z.record(z.string(), z.union([z.boolean(), z.number()]))]).optional(),
    })
    .optional(),
});

export function dtypeOf(option: DtypeOption | undefined, session: JanusSession): Dtype {
  if (option === undefined) return 'fp32';
  if (typeof option === 'string') return option;
  return option[session] ?? 'fp32';
}

/** Every file transformers.js will open for this folder and dtype, relative to the folder. */
export function expectedFiles(dtype: DtypeOption | undefined, externalData?: z.infer<typeof configSchema>['transformers.js_config']): string[] {
  const files: string[] = [...CONFIG_FILES];
  for (const [session, stem] of Object.entries(JANUS_SESSIONS) as [JanusSession, string][]) {
    const fullName = `${stem}${DTYPE_SUFFIX[dtypeOf(dtype, session)]}.onnx`;
    files.push(`onnx/${fullName}`);
    const spec = externalData?.use_external_data_format;
    const chunks = spec === undefined ? 0 : typeof spec === 'object' ? +(spec[fullName] ?? spec[session] ?? 0) : +spec;
    for (let i = 0; i < chunks; i++) files.push(`onnx/${fullName}_data${i === 0 ? '' : `_${i}`}`);
  }
  return files;
}

/**
 * Throws a `SeerError('not_found')` naming every missing or empty file, or a `bad_file` for a
 * config that is not Janus's; returns the dtype to load with (the option, else the folder's own).
 */
export function checkJanusFolder(dir: string, dtype?: DtypeOption): DtypeOption | undefined {
  const fix = 'Copy a Janus-Pro ONNX export there (e.g. the files of onnx-community/Janus-Pro-1B-ONNX, fetched on a machine with network access); see docs/backends.md.';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SeerError('not_found', `Janus model folder ${dir} does not exist. ${fix}`);
  let config: z.infer<typeof configSchema> | undefined;
  const configPath = join(dir, 'config.json');
  if (existsSync(configPath)) {
    try {
      config = configSchema.parse(JSON.parse(readFileSync(configPath, 'utf8')));
    } catch (cause) {
      throw new SeerError('bad_file', `${configPath}: not a transformers config (needs "model_type")`, { cause });
    }
    if (config.model_type !== 'multi_modality') throw new SeerError('bad_file', `${configPath}: model_type is "${config.model_type}", expected "multi_modality" (Janus / Janus-Pro)`);
  }
  const chosen = dtype ?? config?.['transformers.js_config']?.dtype;
  const missing = expectedFiles(chosen, config?.['transformers.js_config']).filter((f) => !existsSync(join(dir, f)) || statSync(join(dir, f)).size === 0);
  if (missing.length > 0) {
    const which = typeof chosen === 'string' ? chosen : chosen ? 'per-session dtypes' : 'fp32';
    throw new SeerError('not_found', `Janus model folder ${dir} is incomplete for dtype ${which}: missing or empty ${missing.join(', ')}. ${fix} Or pick the dtype whose files you have (--dtype q4 expects onnx/*_q4.onnx).`);
  }
  return chosen;
}
