// Stage 2's reward (Eq. 9) with the world's renderer as the generator and the oracle as the judge:
// exact values on deterministic inputs, whichever way round the pair is shown.
import { describe, expect, it } from 'vitest';
import { RendererSource } from '../data/image-source.ts';
import { thinkAnswer } from '../model/templates.ts';
import type { RewardInput } from '../rl/trainer.ts';
import { candidateFirst } from '../roles/blind.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { OracleReprompter } from '../world/reprompters.ts';
import { naivePrompt } from '../roles/roles.ts';
import { drawnReadings, imageReadingReward, initialRepromptKey, recallCarriedReward, relativeToInitialReward, relativeToNaiveReward, subjectCheckReward, verdictProbabilityReward, versusPeersReward, type RepromptMeta } from './rewards.ts';
import { subjectCheckContext } from '../model/templates.ts';
import type { PairwiseJudge } from '../roles/roles.ts';
import { resolveQuery } from '../oracle/judge.ts';
import type { ImageReader } from './refine.ts';

const meta: RepromptMeta = { instruction: 'Make it look like it is carved from wood.', prompt: 'a cat', imageSeed: 17 };
const renderer = new RendererSource();

/** One GRPO group: completion i decodes to texts[i] (the decoder is the only thing not real here). */
async function group(): Promise<{ texts: string[]; batch: RewardInput<RepromptMeta>[] }> {
  const [oracle] = await new OracleReprompter().reprompt([meta]);
  const texts = [
    thinkAnswer('the user wants wood', oracle!.reprompt), // the oracle's own elaboration: an orange wooden cat
    thinkAnswer('just say it', naivePrompt(meta)), // the naive prompt itself: the same image as naive
    thinkAnswer('wood', 'a wooden dog'), // follows the instruction, loses the subject
    thinkAnswer('smile', 'an orange cat with a smile'), // keeps the subject, ignores the instruction
    'a wooden cat', // no <think>/<answer>: bad format
  ];
  const batch = texts.map((_, i) => ({ prompt: { id: 'row-1', context: [], meta }, completion: { tokens: [i], truncated: false } }));
  return { texts, batch };
}

function reward(texts: readonly string[], soft: boolean, seed: number) {
  return relativeToNaiveReward({ model: { decodeText: (tokens) => texts[tokens[0]!]! }, judge: new OracleJudge(), generate: (p, s) => renderer.generate(p, s), soft, seed });
}

describe('relative-to-naive reward (Eq. 9) with the renderer and the oracle', () => {
  const seeds = [0, 1, 2, 3, 4, 5];

  it('hard: elaboration 1, naive copy 0.5 (identical images), lost subject 0, instruction ignored 0.5 (oracle tie), bad format 0 — in either order', async () => {
    const { texts, batch } = await group();
    expect(texts[0]).toContain('wooden');
    // The seeds cover both orders (the whole group shares one order per seed).
    expect(new Set(seeds.map((s) => candidateFirst(s, 'row-1|17')))).toEqual(new Set([true, false]));
    for (const seed of seeds) expect(await reward(texts, false, seed).score(batch), `seed ${seed}`).toEqual([1, 0.5, 0, 0.5, 0]);
    expect(reward(texts, false, 0).name).toBe('preference');
  });

  it('soft: the oracle\'s probability from the candidate\'s side, averaged over both orders, identical for every seed', async () => {
    const { texts, batch } = await group();
    const first = await reward(texts, true, 0).score(batch);
    expect(reward(texts, true, 0).name).toBe('preference_prob');
    // Expected: the oracle asked directly with the candidate as image A (it is position-invariant).
    const answers = [0, 2, 3].map((i) => /<answer> (.*) <\/answer>/.exec(texts[i]!)![1]!);
    const [naive] = await renderer.generate([naivePrompt(meta)], [meta.imageSeed]);
    const mine = await renderer.generate(answers, answers.map(() => meta.imageSeed));
    const direct = await new OracleJudge().judge(mine.map((image) => ({ ...meta, imageA: image, imageB: naive! })));
    expect(first[0]).toBeCloseTo(direct[0]!.probabilityA!, 12);
    expect(first[2]).toBeCloseTo(direct[1]!.probabilityA!, 12);
    expect(first[3]).toBeCloseTo(direct[2]!.probabilityA!, 12);
    expect(first[0]).toBeGreaterThan(0.9);
    expect(first[1]).toBe(0.5);
    expect(first[2]).toBeLessThan(0.5);
    expect(first[4]).toBe(0);
    for (const seed of seeds.slice(1)) expect(await reward(texts, true, seed).score(batch), `seed ${seed}`).toEqual(first);
  });

  it('gives 0 to a batch with no valid completion without drawing anything', async () => {
    const texts = ['no tags', '<think> x </think>'];
    const batch = texts.map((_, i) => ({ prompt: { id: 'row-2', context: [], meta }, completion: { tokens: [i], truncated: false } }));
    const fn = relativeToNaiveReward({ model: { decodeText: (t) => texts[t[0]!]! }, judge: new OracleJudge(), generate: () => Promise.reject(new Error('must not draw')) });
    expect(await fn.score(batch)).toEqual([0, 0]);
  });
});

describe('versus-initial reward: Eq. 9 against the image of the initial policy\'s own reprompt', () => {
  const versus = (texts: readonly string[], initial: string, seed: number) =>
    relativeToInitialReward({ model: { decodeText: (tokens) => texts[tokens[0]!]! }, judge: new OracleJudge(), generate: (p, s) => renderer.generate(p, s), orders: 'both', seed, initialReprompts: new Map([[initialRepromptKey(meta), initial]]) });

  it('against a first reprompt that kept the subject and ignored the instruction: the elaboration wins, the bare prompt ties, a lost subject loses', async () => {
    const { texts, batch } = await group();
    // The initial reprompt is the bare prompt "a cat"; completion 3 writes exactly that.
    const bareTexts = [...texts.slice(0, 3), thinkAnswer('just the subject', meta.prompt), texts[4]!];
    // Completion 1 (naive concatenation) is scored as the oracle ranks its image against the bare prompt's.
    const [naiveImage, bare] = await renderer.generate([naivePrompt(meta), meta.prompt], [meta.imageSeed, meta.imageSeed]);
    const [direct] = await new OracleJudge().judge([{ ...meta, imageA: naiveImage!, imageB: bare! }]);
    const naiveScore = direct!.verdict === 'A' ? 1 : direct!.verdict === 'B' ? 0 : 0.5;
    // Elaboration 1, naive as the oracle says, lost subject 0, the same reprompt 0.5 (identical images), bad format 0 — in either order.
    for (const seed of [0, 1, 2, 3]) expect(await versus(bareTexts, meta.prompt, seed).score(batch), `seed ${seed}`).toEqual([1, naiveScore, 0, 0.5, 0]);
    expect(versus(texts, meta.prompt, 0).name).toBe('versus_initial');
  });

  it('refuses a row it has no initial reprompt for', async () => {
    const { texts, batch } = await group();
    const fn = relativeToInitialReward({ model: { decodeText: (tokens) => texts[tokens[0]!]! }, judge: new OracleJudge(), generate: (p, s) => renderer.generate(p, s), initialReprompts: new Map() });
    await expect(fn.score(batch)).rejects.toThrow(/no initial reprompt/);
  });
});

describe('versus-peers reward: Eq. 9 against the images of the neighbours in the group', () => {
  const peers = (texts: readonly string[], seed: number, soft = false) =>
    versusPeersReward({ model: { decodeText: (tokens) => texts[tokens[0]!]! }, judge: new OracleJudge(), generate: (p, s) => renderer.generate(p, s), orders: 'both', soft, seed });

  it('ranks a group by the oracle: each completion scores the mean of its judgement against the next and (as baseline) the previous', async () => {
    const { texts, batch } = await group();
    // The ring 0 → 1 → 2 → 3 → 0 over the valid completions: the elaboration beats naive, naive keeps
    // the subject the wooden dog loses, the dog loses to the plain orange cat, the orange cat loses
    // to the elaboration. So 0: (1 + 1) / 2, 1: (1 + 0) / 2, 2: (0 + 0) / 2, 3: (0 + 1) / 2; bad format 0.
    for (const seed of [0, 1, 2]) expect(await peers(texts, seed).score(batch), `seed ${seed}`).toEqual([1, 0.5, 0, 0.5, 0]);
    expect(peers(texts, 0).name).toBe('versus_peers');
  });

  it('keeps groups apart; a completion alone in its group earns 0.5; soft scores average 0.5 within a group', async () => {
    const { texts, batch } = await group();
    const other = { ...batch[0]!, prompt: { ...batch[0]!.prompt, id: 'row-2' } };
    const twoGroups = [...batch, other];
    const hard = await peers(texts, 0).score(twoGroups);
    expect(hard).toEqual([1, 0.5, 0, 0.5, 0, 0.5]);
    const soft = await peers(texts, 0, true).score(batch);
    expect(peers(texts, 0, true).name).toBe('versus_peers_prob');
    expect((soft[0]! + soft[1]! + soft[2]! + soft[3]!) / 4).toBeCloseTo(0.5, 12);
    expect(soft[0]).toBeGreaterThan(soft[3]!);
    expect(soft[3]).toBeGreaterThan(soft[2]!);
    expect(soft[4]).toBe(0);
  });
});

describe('verdict-probability reward (Stage 1, optional)', () => {
  // The scorer records what it was asked and answers log P(a) = 0, log P(b) = log 3 ⇒ P(A) = 1/4.
  function scorer(texts: readonly string[]) {
    const asked: number[][] = [];
    return {
      asked,
      model: {
        decodeText: (tokens: readonly number[]) => texts[tokens[0]!]!,
        text: { encode: (s: string) => [...s].map((c) => c.charCodeAt(0)) },
        scoreAnswers: (contexts: readonly (readonly number[])[], answers: readonly string[]) => {
          expect(answers).toEqual(['a </answer>', 'b </answer>']);
          asked.push(...contexts.map((c) => [...c]));
          return contexts.map(() => [0, Math.log(3)]);
        },
      },
    };
  }

  it('scores P(label) after the completion\'s own reasoning, and 0 for a broken format', async () => {
    const texts = [thinkAnswer('a is wooden', 'a'), thinkAnswer('b is wooden', 'b'), 'a'];
    const { model, asked } = scorer(texts);
    const batch = [
      { prompt: { id: 'p', context: [7, 8], meta: { label: 'A' as const } }, completion: { tokens: [0], truncated: false } },
      { prompt: { id: 'p', context: [7, 8], meta: { label: 'B' as const } }, completion: { tokens: [1], truncated: false } },
      { prompt: { id: 'p', context: [7, 8], meta: { label: 'A' as const } }, completion: { tokens: [2], truncated: false } },
    ];
    const scores = await verdictProbabilityReward(model).score(batch);
    expect(scores[0]).toBeCloseTo(0.25, 12);
    expect(scores[1]).toBeCloseTo(0.75, 12);
    expect(scores[2]).toBe(0);
    // Only the two valid completions are scored, each as context + "<think> … </think> <answer>" (never the sampled verdict).
    expect(asked).toHaveLength(2);
    expect(asked[0]).toEqual([7, 8, ...[...'<think> a is wooden </think> <answer>'].map((c) => c.charCodeAt(0))]);
  });
});

describe('Stage 2 extras: both orders, the subject check, the image reading', () => {
  it('asked both ways, a judge that answers by slot pays every non-identical pair 0.5 (a tie), whatever the group\'s order', async () => {
    const { texts, batch } = await group();
    const saysA: PairwiseJudge = { name: 'says-a', judge: async (qs) => qs.map(() => ({ verdict: 'A' as const })) };
    for (const seed of [0, 1, 2, 3]) {
      const scores = await relativeToNaiveReward({ model: { decodeText: (tokens) => texts[tokens[0]!]! }, judge: saysA, generate: (p, s) => renderer.generate(p, s), orders: 'both', seed }).score(batch);
      expect(scores).toEqual([0.5, 0.5, 0.5, 0.5, 0]);
    }
  });

  it('subject check: 1 when the evaluator reads the prompt\'s subject in the reprompt text, asked with the caption-check question', async () => {
    const { texts, batch } = await group();
    const asked: string[] = [];
    // A checker that answers yes when the caption names a cat (what the caption check asks of the prompt "a cat").
    const checker = { checkAnswers: (qs: readonly string[]) => (asked.push(...qs), qs.map((q) => (/\bcat\b/.test(q.split('image shows ')[1]!.split('. does the image')[0]!) ? 'cat, yes' : 'dog, prompt cat, no'))) };
    const scores = await subjectCheckReward({ model: { decodeText: (tokens) => texts[tokens[0]!]! }, checker }).score(batch);
    expect(scores).toEqual([1, 1, 0, 1, 0]); // the lost subject and the broken format earn 0
    expect(asked).toHaveLength(4); // the broken format is not asked
    expect(asked[2]).toBe(subjectCheckContext(meta.prompt, 'a wooden dog'));
  });

  it('image reading: the reading of the drawn image in the A.2 order (subject 2/3, instruction 1/3), each distinct draw read once', async () => {
    const { texts, batch } = await group();
    const oracle = new OracleJudge();
    let read = 0;
    // A reader that reads images with the oracle's detector (the test's stand-in for the model's own captions and checks).
    const reader: ImageReader = {
      name: 'oracle-reader',
      checkTexts: async () => [],
      readImages: async (items) => {
        read += items.length;
        return items.map((x) => {
          const { rule, subject } = resolveQuery(x.instruction, x.prompt);
          const [a] = oracle.assess([x.image], rule, subject);
          return { subject: a!.subjectKept, instruction: a!.satisfied, caption: '' };
        });
      },
    };
    let drawn = 0;
    const generate = (p: readonly string[], s: readonly number[]) => ((drawn += p.length), renderer.generate(p, s));
    const readings = drawnReadings(reader, generate);
    const rewardFn = imageReadingReward({ model: { decodeText: (tokens) => texts[tokens[0]!]! }, readings });
    expect(rewardFn.name).toBe('image_reading');
    // The oracle's elaboration reads right; the naive copy and the smiling cat keep the subject only; the dog loses it; the broken format earns 0.
    expect(await rewardFn.score(batch)).toEqual([1, 2 / 3, 0, 2 / 3, 0]);
    expect([read, drawn]).toEqual([4, 4]);
    expect(await rewardFn.score([...batch].reverse())).toEqual([0, 2 / 3, 0, 2 / 3, 1]);
    expect([read, drawn]).toEqual([4, 4]); // the same (instruction, prompt, seed, reprompt) is not drawn or read again
    // Paying the subject check alone: the copy and the smiling cat earn as much as the elaboration.
    const subjectOnly = imageReadingReward({ model: { decodeText: (tokens) => texts[tokens[0]!]! }, readings, of: 'subject' });
    expect(await subjectOnly.score(batch)).toEqual([1, 1, 0, 1, 0]);
    expect([read, drawn]).toEqual([4, 4]); // the readings are shared: nothing drawn or read again
    // The recall-carried reward gated by the same readings: the dog ("wood" → "a wooden dog") carries its recall and loses the subject.
    const recallTexts = [thinkAnswer('that means wooden.', 'a wooden dog'), thinkAnswer('that means wooden.', 'a wooden cat')];
    const recallBatch = recallTexts.map((_, i) => ({ prompt: { id: 'row-1', context: [], meta }, completion: { tokens: [i], truncated: false } }));
    const decode = { decodeText: (tokens: readonly number[]) => recallTexts[tokens[0]!]! };
    expect(await recallCarriedReward({ model: decode }).score(recallBatch)).toEqual([1, 1]);
    expect(await recallCarriedReward({ model: decode, subjectGate: readings }).score(recallBatch)).toEqual([0, 1]);
  });

  it('recall carried: the share of the reasoning\'s recalled descriptors the answer says; 0 without a recall the generator can draw, or with a broken format', async () => {
    const texts = [
      thinkAnswer('the user wants a cat. that means wooden.', 'a wooden cat'),
      thinkAnswer('the user wants a cat. that means wood.', 'a wooden cat'), // "wood" is no descriptor the generator reads (it says "wooden")
      thinkAnswer('the user wants a cat. something cute often has a smile or big eyes.', 'a cat with a smile'),
      thinkAnswer('the user wants a cat. something cute often has a smile or big eyes.', 'a cat with big eyes and a smile'),
      thinkAnswer('the user wants a cat. that means stone.', 'a blue metal cat, among sparkles'),
      thinkAnswer('the user wants a cat.', 'a stone cat'), // recalls nothing
      thinkAnswer('the user wants a cat. that means a cat.', 'a cat'), // recalls nothing drawable
      'that means stone. a stone cat', // broken format
    ];
    const batch = texts.map((_, i) => ({ prompt: { id: 'row-1', context: [], meta }, completion: { tokens: [i], truncated: false } }));
    const rewardFn = recallCarriedReward({ model: { decodeText: (tokens) => texts[tokens[0]!]! } });
    expect(rewardFn.name).toBe('recall_carried');
    expect(await rewardFn.score(batch)).toEqual([1, 0, 0.5, 1, 0, 0, 0, 0]);
  });
});
