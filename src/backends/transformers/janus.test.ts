// Offline tests of the transformers.js backend: the folder check, the conversations, and the real
// @huggingface/transformers library refusing a folder of placeholder files without reaching out.
// With real weights (SEER_JANUS_DIR=/path/to/Janus-Pro-1B-ONNX [SEER_JANUS_DTYPE=q4]) the shared
// UnifiedModel conformance suite runs against Janus-Pro too; without them it is skipped.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSeerError } from '../../core/errors.ts';
import { unifiedModelConformance } from '../../roles/conformance.testkit.ts';
import { IMAGE_TAG, describeConversation, generateConversation, judgeConversation, repromptConversation } from './conversation.ts';
import { checkJanusFolder, expectedFiles, type DtypeOption } from './folder.ts';
import { JanusUnified, fromRawImage, importTransformers } from './janus.ts';

function folder(files: readonly string[], config: Record<string, unknown> = { model_type: 'multi_modality' }): string {
  const dir = mkdtempSync(join(tmpdir(), 'seer-janus-'));
  mkdirSync(join(dir, 'onnx'));
  for (const f of files) writeFileSync(join(dir, f), f === 'config.json' ? JSON.stringify(config) : 'placeholder');
  return dir;
}

describe('Janus folder check', () => {
  it('names the expected files per dtype, per session and with external data', () => {
    const fp32 = expectedFiles(undefined);
    expect(fp32).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', 'processor_config.json', 'onnx/language_model.onnx', 'onnx/image_decode.onnx', 'onnx/gen_head.onnx']));
    expect(fp32.filter((f) => f.startsWith('onnx/'))).toHaveLength(6);
    expect(expectedFiles('q4')).toContain('onnx/prepare_inputs_embeds_q4.onnx');
    const mixed = expectedFiles({ model: 'q4f16', image_decode: 'fp32' });
    expect(mixed).toEqual(expect.arrayContaining(['onnx/language_model_q4f16.onnx', 'onnx/image_decode.onnx', 'onnx/lm_head.onnx']));
    expect(expectedFiles('fp32', { use_external_data_format: { 'language_model.onnx': 2 } })).toEqual(expect.arrayContaining(['onnx/language_model.onnx_data', 'onnx/language_model.onnx_data_1']));
  });

  it('says what is missing, for a missing folder, a half-copied one and a wrong model', () => {
    expect(() => checkJanusFolder('/nonexistent/janus')).toThrow(/\/nonexistent\/janus does not exist\. Copy a Janus-Pro ONNX export there/);
    const half = folder(['config.json', 'tokenizer.json']);
    writeFileSync(join(half, 'onnx', 'lm_head.onnx'), '');
    const error = (() => {
      try {
        checkJanusFolder(half);
      } catch (e) {
        return e;
      }
    })();
    expect(isSeerError(error) && error.code).toBe('not_found');
    const message = (error as Error).message;
    expect(message).toMatch(/incomplete for dtype fp32: missing or empty preprocessor_config\.json, processor_config\.json, tokenizer_config\.json, onnx\/prepare_inputs_embeds\.onnx, onnx\/language_model\.onnx, onnx\/lm_head\.onnx/);
    expect(message).not.toMatch(/tokenizer\.json,/);
    expect(() => checkJanusFolder(folder(['config.json'], { model_type: 'llama' }))).toThrow(/model_type is "llama", expected "multi_modality"/);
  });

  it('accepts a complete folder and takes the dtype from the option, else from the folder config', () => {
    const q4 = folder(expectedFiles('q4'));
    expect(checkJanusFolder(q4, 'q4')).toBe('q4');
    expect(() => checkJanusFolder(q4)).toThrow(/onnx\/language_model\.onnx/);
    const own: DtypeOption = { model: 'q4' };
    const configured = folder(expectedFiles(own), { model_type: 'multi_modality', 'transformers.js_config': { dtype: own } });
    expect(checkJanusFolder(configured)).toEqual(own);
  });
});

describe('Janus conversations', () => {
  const q = { instruction: 'Make it look royal.', prompt: 'a dog' };
  it('put one image tag per image, in order, and the shared Instruction/Prompt lines', () => {
    const judge = judgeConversation(q)[0]!.content;
    expect(judge.split(IMAGE_TAG)).toHaveLength(3);
    expect(judge.indexOf('Image A:')).toBeLessThan(judge.indexOf('Image B:'));
    expect(judge).toContain('Instruction: Make it look royal.\nPrompt: a dog');
    expect(repromptConversation(q)[0]!.content).not.toContain(IMAGE_TAG);
    expect(repromptConversation(q)[0]!.content).toMatch(/<think>.*<answer>/);
    expect(describeConversation({ question: 'is there a crown?' })[0]!.content.split(IMAGE_TAG)).toHaveLength(2);
    expect(describeConversation({})[0]!.content).toMatch(/Describe the image\.$/);
    expect(generateConversation('  a red cat ')).toEqual([{ role: '<|User|>', content: 'a red cat' }]);
    for (const c of [judgeConversation(q), repromptConversation(q)]) expect(c.map((m) => m.role)).toEqual(['<|User|>']);
  });
});

describe('Janus with the real transformers.js, offline', () => {
  it('imports the library and converts its RawImage (RGB or RGBA) to an RgbImage', async () => {
    const lib = await importTransformers();
    const rgba = new (lib.RawImage as unknown as new (d: Uint8ClampedArray, w: number, h: number, c: number) => Parameters<typeof fromRawImage>[0])(new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 255]), 2, 1, 4);
    expect(fromRawImage(rgba)).toEqual({ width: 2, height: 1, data: new Uint8Array([10, 20, 30, 40, 50, 60]) });
  });

  it('refuses a folder of placeholder files with a model error, remote models disabled', async () => {
    const dir = folder(expectedFiles('fp32'));
    const lib = await importTransformers();
    const error = await JanusUnified.load(dir, {}, lib).catch((e: unknown) => e);
    expect(isSeerError(error) && error.code).toBe('model');
    expect((error as Error).message).toContain(`cannot load Janus from ${dir}`);
    expect(lib.env.allowRemoteModels).toBe(false);
  });
});

const janusDir = process.env.SEER_JANUS_DIR;
describe.skipIf(!janusDir)('JanusUnified with real weights (SEER_JANUS_DIR)', () => {
  let loaded: Promise<JanusUnified> | undefined;
  const dtype = process.env.SEER_JANUS_DTYPE as DtypeOption | undefined;
  unifiedModelConformance(() => (loaded ??= JanusUnified.load(janusDir!, { ...(dtype ? { dtype } : {}), maxNewTokens: 128 })), { swapConsistent: false });
});
