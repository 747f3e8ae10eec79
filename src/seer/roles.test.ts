import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pretrain, RECIPES } from '../pretrain/train.ts';
import type { SeerMini } from '../model/umm.ts';
import { SeerJudge, SeerReader, SeerReprompter, probabilityOfA } from './roles.ts';
import { judgeConformance, reprompterConformance } from '../roles/conformance.testkit.ts';
import { formatReward, verdictReward } from './rewards.ts';
import { captionedOpening, instructionCheckContext, judgeContext, parseCheckAnswer, splitCheckAnswer, parseJudgeOutput, readOpening, subjectCheckContext, thinkAnswer } from '../model/templates.ts';
import { loadSeerMini, saveSeerMini } from '../model/checkpoint.ts';
import { renderSpec } from '../world/render.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { defaultSpec } from '../world/spec.ts';

describe('SEER-Mini as judge and reprompter (tiny model)', () => {
  let model: SeerMini;
  beforeAll(async () => {
    model = (await pretrain({ recipe: { ...RECIPES.tiny, threads: 1, steps: 10 }, outDir: mkdtempSync(join(tmpdir(), 'seer-roles-')), quiet: true })).model;
  });

  describe('SeerJudge', () => judgeConformance(() => new SeerJudge(model), { swapConsistent: false }));
  describe('SeerReprompter', () => reprompterConformance(() => new SeerReprompter(model)));

  it('SeerReader: one reading per text and per image, the image\'s with the caption the model wrote', async () => {
    const reader = new SeerReader(model);
    const ask = { instruction: 'Make it blue.', prompt: 'a cat' };
    expect(await reader.checkTexts([])).toEqual([]);
    const texts = await reader.checkTexts([{ ...ask, text: 'a blue cat' }, { ...ask, text: 'a tree' }]);
    expect(texts).toHaveLength(2);
    for (const t of texts) expect([typeof t.subject, typeof t.instruction]).toEqual(['boolean', 'boolean']);
    const image = renderSpec(defaultSpec('cat'));
    const [read] = await reader.readImages([{ ...ask, image }]);
    expect(read!.caption).toBe(model.captionCodes(model.encodeImages([image]))[0]);
    // The image reading is the text check of the model's own caption.
    expect((await reader.checkTexts([{ ...ask, text: read!.caption }]))[0]).toMatchObject({ subject: read!.subject, instruction: read!.instruction });
  });

  it('falls back to the naive prompt on a malformed reprompt and gives probabilities in [0, 1]', async () => {
    const out = await new SeerReprompter(model, { maxNewTokens: 3 }).reprompt([{ instruction: 'Make it blue.', prompt: 'a cat' }], { seed: 1 });
    if (!out[0]!.validFormat) expect(out[0]!.reprompt).toBe('Make it blue. a cat');
  });

  it('scores format and verdict rewards from decoded completions', async () => {
    const good = model.text.encode(thinkAnswer('image a has a crown', 'a'));
    const bad = model.text.encode('a a a');
    const prompt = { id: 'x', context: [], meta: { label: 'A' as const } };
    const batch = [{ prompt, completion: { tokens: good, truncated: false } }, { prompt, completion: { tokens: bad, truncated: false } }];
    expect(await formatReward(model).score(batch)).toEqual([1, 0]);
    expect(await verdictReward(model).score(batch)).toEqual([1, 0]);
  });

  it('reads a completion after the opening its prompt ends with (captioned descriptions)', async () => {
    const rest = model.text.encode('the instruction wants something cute. </think> <answer> b </answer>');
    const opened = { id: 'x', context: [], meta: { label: 'B' as const, opening: captionedOpening('a cat', 'a dog') } };
    const plain = { id: 'y', context: [], meta: { label: 'B' as const } };
    const batch = [{ prompt: opened, completion: { tokens: rest, truncated: false } }, { prompt: plain, completion: { tokens: rest, truncated: false } }];
    expect(await formatReward(model).score(batch)).toEqual([1, 0]);
    expect(await verdictReward(model).score(batch)).toEqual([1, 0]);
  });

  describe('captioned judge descriptions', () => {
    const images = [renderSpec(defaultSpec('cat')), renderSpec(defaultSpec('dog'))];
    const ask = { instruction: 'Make it cute.', prompt: 'a cat' };

    it('open the reasoning with each image\'s own caption, and the judge goes on from there', async () => {
      const codes = model.encodeImages(images) as [number[], number[]];
      expect(model.judgeOpenings([codes], [ask])).toBeNull(); // written: the judge describes them itself
      model.judgeDescriptions = 'captioned';
      try {
        const captions = model.captionCodes(codes);
        const [opening] = model.judgeOpenings([codes, [codes[1], codes[0]]], [ask, ask])!;
        expect(opening).toBe(captionedOpening(captions[0]!, captions[1]!));
        expect(model.judgeOpenings([[codes[1], codes[0]]], [ask])).toEqual([captionedOpening(captions[1]!, captions[0]!)]);
        const [answer] = await new SeerJudge(model, { probabilities: false }).judge([{ instruction: 'Make it cute.', prompt: 'a cat', imageA: images[0]!, imageB: images[1]! }]);
        const context = [...model.encode(judgeContext('Make it cute.', 'a cat'), codes), ...model.text.encode(opening!)];
        const continued = model.decodeText(model.sampleText([context], { temperature: 0, topP: 1, maxNewTokens: 64, seed: 0 })[0]!.tokens);
        const parsed = parseJudgeOutput(`${opening} ${continued}`);
        expect(answer!.reasoning).toBe(parsed.ok ? parsed.think : `${opening} ${continued}`);
      } finally {
        model.judgeDescriptions = 'written';
      }
    });

    it("with 'read', also carry the model's own answers to each caption's checks (the subject only when there is no instruction)", () => {
      const codes = model.encodeImages(images) as [number[], number[]];
      model.judgeDescriptions = 'read';
      try {
        const captions = model.captionCodes(codes);
        const answerOf = (text: string) => model.checkAnswers([text])[0]!;
        const reading = (caption: string, instruction: string | null) => {
          const subject = parseCheckAnswer(answerOf(subjectCheckContext('a cat', caption))) === true;
          if (instruction === null) return { subject, instruction: null };
          const answer = answerOf(instructionCheckContext(instruction, caption));
          return { subject, instruction: parseCheckAnswer(answer) === true, ...(splitCheckAnswer(answer).reasons.startsWith('it has ') ? { evidence: splitCheckAnswer(answer).reasons } : {}) };
        };
        const [withInstruction, alignment] = model.judgeOpenings([codes, codes], [ask, { instruction: null, prompt: 'a cat' }])!;
        expect(withInstruction).toBe(readOpening(captions[0]!, captions[1]!, reading(captions[0]!, 'Make it cute.'), reading(captions[1]!, 'Make it cute.')));
        expect(alignment).toBe(readOpening(captions[0]!, captions[1]!, reading(captions[0]!, null), reading(captions[1]!, null)));
        expect(alignment).toMatch(/ a: subject (yes|no)\. b: subject (yes|no)\.$/);
        expect(() => model.judgeOpenings([codes], [])).toThrow(/1 pairs but 0 questions/);
        model.judgeDescriptions = 'read-cues';
        const [cued] = model.judgeOpenings([codes], [ask])!;
        expect(cued).toBe(readOpening(captions[0]!, captions[1]!, reading(captions[0]!, 'Make it cute.'), reading(captions[1]!, 'Make it cute.'), { cues: true }));
      } finally {
        model.judgeDescriptions = 'written';
      }
    });

    it('are saved with the checkpoint; a checkpoint without the setting judges as written', () => {
      const dir = mkdtempSync(join(tmpdir(), 'seer-judge-ckpt-'));
      saveSeerMini(dir, model, { stage: 'test' });
      const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
      expect(config.judge).toEqual({ descriptions: 'written' });
      delete config.judge; // as checkpoints from before the setting were written
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
      expect(loadSeerMini(dir).model.judgeDescriptions).toBe('written');
      model.judgeDescriptions = 'captioned';
      try {
        saveSeerMini(dir, model, { stage: 'test' });
        expect(loadSeerMini(dir).model.judgeDescriptions).toBe('captioned');
      } finally {
        model.judgeDescriptions = 'written';
      }
    });
  });
});

describe('probabilityOfA', () => {
  // A scorer that answers log P(a) = 0, log P(b) = log 3 (P(A) = 1/4) and records the rows it was asked.
  const fake = (contextLength?: number) => {
    const asked: number[][] = [];
    return {
      asked,
      model: {
        text: { encode: (s: string) => [...s].map((c) => c.charCodeAt(0)) },
        scoreAnswers: (contexts: readonly (readonly number[])[]) => {
          asked.push(...contexts.map((c) => [...c]));
          return contexts.map(() => [0, Math.log(3)]);
        },
        ...(contextLength === undefined ? {} : { transformer: { config: { contextLength } } }),
      },
    };
  };

  it('scores each reasoning, and a tie (0.5) for one that leaves the answer no room in the context', () => {
    const outputs = [thinkAnswer('short', 'a'), `<think> ${'long '.repeat(20)}</think> <answer>`]; // the second stopped at the context's end
    const unbounded = fake();
    expect(probabilityOfA(unbounded.model, [[1], [2]], outputs).map((p) => +p.toFixed(6))).toEqual([0.25, 0.25]);
    const bounded = fake(60);
    expect(probabilityOfA(bounded.model, [[1], [2]], outputs).map((p) => +p.toFixed(6))).toEqual([0.25, 0.5]);
    expect(bounded.asked).toHaveLength(1);
    expect(bounded.asked[0]![0]).toBe(1);
  });
});
