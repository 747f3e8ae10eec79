/**
 * SEER's rewards as plain GRPO reward functions (src/rl/trainer.ts):
 *  - format: 1 when the completion is `<think>…</think>\s*<answer>…</answer>` (both stages);
 *  - verdict (Stage 1, RLVR, Eq. 4): 1 when the judge's verdict matches the label;
 *  - verdict probability (Stage 1, optional, beyond the paper): the probability the judge gives
 *    the label after its own sampled reasoning, P(label | context, <think>…</think> <answer>) —
 *    a dense signal: binary groups whose eight verdicts agree have zero advantage, while the
 *    probability still ranks their reasonings (a completion that breaks the format earns 0);
 *  - relative-to-naive (Stage 2, RLMT, Eq. 9): 1 when SEER's own frozen evaluator prefers the image
 *    from the reprompt over the image from naive `instruction + prompt` (same image seed), or, as an
 *    option, the evaluator's probability of that preference (the paper's figure calls it P(Yes)).
 *
 * Departures in the Stage-2 reward (the paper's Eq. 9 is an indicator and says nothing of ties):
 *  - A tie earns 0.5 — byte-identical images (e.g. the reprompt is the naive prompt; the judge is
 *    not asked) and a judge's own "tie" (SEER's judge: a malformed answer) alike. 0.5 is the A.2
 *    score of a tie, so the hard reward is exactly the A.2 score of the pair and its expectation is
 *    the policy's win ratio against naive under its own judge — the quantity Table 2 reports with
 *    the oracle. Scoring ties 0 instead ("the reprompt added nothing") would rank copying the naive
 *    prompt with losing to it, and reward any change over none, which is how a reprompter learns
 *    to drop the subject; scoring them by slot (as before) was a coin flip.
 *  - Order (src/roles/blind.ts): the hard reward shows all G completions of one prompt in the same
 *    seeded order, so a constant position bias shifts the whole group alike; but a judge whose
 *    verdict on two equally good images is its slot's bias then pays every tie 1 in a group shown
 *    one way and 0 in a group shown the other. `orders: 'both'` asks both orders and averages the
 *    A.2 scores: a win read both ways earns 1, a split verdict 0.5, a loss 0 (twice the judge
 *    calls). The soft reward always asks both orders and averages the probabilities.
 *  - A completion that breaks the format earns 0 here (and 0 format reward), below a tie.
 *  - subject check (Stage 2, beyond the paper, on by default at weight 0.5): 1 when the frozen evaluator's own caption
 *    check — "does the image show the subject of the prompt?" asked of the reprompt's *text*, read
 *    as the caption of the image it asks for — answers yes. Endogenous like the verdict (the
 *    model's understanding, no oracle), and aimed at what a split verdict does not pay for: a
 *    reprompt that drops the subject ties with one that keeps it and misses the instruction.
 *  - image reading (Stage 2, beyond the paper, on by default): the frozen evaluator's reading of the
 *    *image* the reprompt drew (the one the preference reward judged): it captions the image in its
 *    own words and answers the same two checks, scored in the oracle's A.2 order — subject 2/3,
 *    instruction 1/3 — so a reprompt the generator draws without its subject earns less than one
 *    it draws with it, whatever the text says. The naive image is the same for a whole group, so
 *    within a group this ranks the reprompts as "reads better than naive" would. `of: 'subject'`
 *    pays the subject check alone (the instruction check is right about compliance only 0.2–0.4 of
 *    the times it says yes on Stage 2's drafts; on validation the two tie, docs/seer.md).
 *  - recall carried (Stage 2, beyond the paper, off by default): the share of the descriptors the
 *    reprompt's own reasoning recalled from the knowledge corpus ("that means stone or ice") that
 *    its answer says. The base model's reasoning often names the right cue and its answer ignores
 *    it — the cognitive gap inside one output; this pays the answer for following the model's own
 *    reasoning, not for any particular cue (no oracle: the reasoning may recall wrongly). A
 *    reasoning that recalls nothing the generator can draw earns 0. Optionally gated by the image
 *    reading's subject check: carrying pays only while the drawn image keeps the subject.
 *  - versus initial (Stage 2, beyond the paper, off by default): Eq. 9's judgement with the image
 *    of the policy's own first reprompt of the row (sampled once from its starting weights) in the
 *    naive image's place: "beat what you wrote before RLMT", the comparison of Table 2's CoT column.
 *  - versus peers (Stage 2, beyond the paper, off by default): Eq. 9's judgement with another
 *    completion of the same group in the naive image's place, so that a group whose completions
 *    all beat naive is still ranked by what the judge prefers among them.
 */
import { hasValidFormat, parseCheckAnswer, parseJudgeOutput, parseRepromptOutput, recalledPhrases, saysPhrase, subjectCheckContext } from '../model/templates.ts';
import { DESCRIPTOR_PHRASES } from '../world/knowledge.ts';
import { probabilityOfA } from './roles.ts';
import { readingRank, type ImageReader, type Reading } from './refine.ts';
import type { SeerMini } from '../model/umm.ts';
import type { RgbImage } from '../image/image.ts';
import { naivePrompt, type PairwiseJudge } from '../roles/roles.ts';
import { judgeBlind, outcomeScore, type BlindOptions, type BlindOrders, type BlindVerdict } from '../roles/blind.ts';
import type { RewardFunction } from '../rl/trainer.ts';

/** What the rewards need of the model: turning completion tokens back into text. */
export type CompletionDecoder = Pick<SeerMini, 'decodeText'>;

/** What a prompt may carry: the opening of the answer the prompt already holds (captioned judge descriptions). */
export interface OpenedMeta {
  opening?: string;
}

function openingOf(meta: unknown): string | undefined {
  return typeof meta === 'object' && meta !== null && 'opening' in meta && typeof meta.opening === 'string' ? meta.opening : undefined;
}

/** A completion as text, after the opening its prompt ends with (if any): what the format and the verdict are read from. */
function answerText(model: CompletionDecoder, x: { prompt: { meta: unknown }; completion: { tokens: readonly number[] } }): string {
  const text = model.decodeText(x.completion.tokens);
  const opening = openingOf(x.prompt.meta);
  return opening ? `${opening} ${text}` : text;
}

export function formatReward<M>(model: CompletionDecoder, weight = 1): RewardFunction<M> {
  return { name: 'format', weight, score: (batch) => batch.map((x) => (hasValidFormat(answerText(model, x)) ? 1 : 0)) };
}

export interface JudgeMeta extends OpenedMeta {
  label: 'A' | 'B';
}

export function verdictReward(model: CompletionDecoder, weight = 1): RewardFunction<JudgeMeta> {
  return {
    name: 'verdict',
    weight,
    score: (batch) =>
      batch.map((x) => {
        const parsed = parseJudgeOutput(answerText(model, x));
        return parsed.ok && parsed.verdict === x.prompt.meta.label ? 1 : 0;
      }),
  };
}

/** What the verdict-probability reward needs of the model: decoding, encoding and answer scoring. */
export type AnswerScorer = Pick<SeerMini, 'decodeText' | 'scoreAnswers'> & { text: Pick<SeerMini['text'], 'encode'> };

export function verdictProbabilityReward(model: AnswerScorer, weight = 1): RewardFunction<JudgeMeta> {
  return {
    name: 'verdict_prob',
    weight,
    score: (batch) => {
      const texts = batch.map((x) => answerText(model, x));
      const valid = batch.map((_, i) => i).filter((i) => parseJudgeOutput(texts[i]!).ok);
      const scores = batch.map(() => 0);
      if (valid.length === 0) return scores;
      // P("a") after the judge context + the reasoning (its opening included), for the valid completions.
      const pA = probabilityOfA(model, valid.map((i) => judgeContextOf(model, batch[i]!.prompt)), valid.map((i) => texts[i]!));
      valid.forEach((i, k) => (scores[i] = batch[i]!.prompt.meta.label === 'A' ? pA[k]! : 1 - pA[k]!));
      return scores;
    },
  };
}

/** The prompt's context without the opening it ends with (probabilityOfA appends the whole reasoning). */
function judgeContextOf(model: AnswerScorer, prompt: { context: readonly number[]; meta: OpenedMeta }): readonly number[] {
  const opening = prompt.meta.opening;
  return opening ? prompt.context.slice(0, prompt.context.length - model.text.encode(opening).length) : prompt.context;
}

export interface RepromptMeta {
  instruction: string;
  prompt: string;
  /** Image seed shared by the reprompt's image and the naive image. */
  imageSeed: number;
}

/**
 * Stage 2's endogenous reward. `generate` is the frozen generator, `judge` the frozen Stage-1
 * evaluator; the pair is judged blind (src/roles/blind.ts), keyed by the GRPO prompt so that one
 * group shares its order.
 */
export function relativeToNaiveReward(options: RelativeRewardOptions): RewardFunction<RepromptMeta> {
  return relativeReward({ ...options, name: options.soft ? 'preference_prob' : 'preference', baseline: naivePrompt });
}

export interface RelativeRewardOptions {
  model: CompletionDecoder;
  judge: PairwiseJudge;
  generate: (prompts: readonly string[], seeds: readonly number[]) => Promise<RgbImage[]>;
  soft?: boolean;
  /** How the judge sees each pair (soft: always both). */
  orders?: BlindOrders;
  weight?: number;
  seed?: number;
}

/**
 * Stage 2's versus-initial reward (beyond the paper, off by default): the same judgement as Eq. 9,
 * with the image of the initial policy's own reprompt of the row (`initialReprompts`, sampled once
 * before Stage 2 from the policy's starting weights; see `initialRepromptKey`) in the place of the naive image.
 * Why: in this world naive concatenation often loses the subject, so the bare prompt beats it and a
 * judge that ranks the subject first pays a reprompter for ignoring the instruction; the model's
 * own first reprompt usually keeps the subject, so beating it asks for the instruction too — what
 * Table 2's "base model with CoT" column measures with the oracle.
 */
export function relativeToInitialReward(options: RelativeRewardOptions & { initialReprompts: ReadonlyMap<string, string> }): RewardFunction<RepromptMeta> {
  const baseline = (meta: RepromptMeta): string => {
    const reprompt = options.initialReprompts.get(initialRepromptKey(meta));
    if (reprompt === undefined) throw new Error(`no initial reprompt for "${meta.instruction}" + "${meta.prompt}"`);
    return reprompt;
  };
  return relativeReward({ ...options, name: options.soft ? 'versus_initial_prob' : 'versus_initial', baseline });
}

/** The key of a row's initial reprompt: its instruction and prompt. */
export function initialRepromptKey(row: { instruction: string; prompt: string }): string {
  return `${row.instruction}\u0000${row.prompt}`;
}

/** The A.2 score (or the soft preference) of each reprompt's image against the image of `baseline(meta)` at the row's seed. */
function relativeReward(options: RelativeRewardOptions & { name: string; baseline: (meta: RepromptMeta) => string }): RewardFunction<RepromptMeta> {
  return {
    name: options.name,
    weight: options.weight ?? 1,
    score: async (batch) => {
      const { valid, reprompts } = validReprompts(options.model, batch);
      if (valid.length === 0) return batch.map(() => 0);
      const metas = valid.map((i) => batch[i]!.prompt.meta);
      const seeds = metas.map((m) => m.imageSeed);
      // One call for both sets: a draw depends only on (prompt, seed), and one batch decodes its 64
      // image codes in one loop instead of two.
      const drawn = await options.generate([...reprompts, ...metas.map(options.baseline)], [...seeds, ...seeds]);
      const [mine, baseline] = [drawn.slice(0, valid.length), drawn.slice(valid.length)];
      const verdicts = await judgeBlind(
        options.judge,
        valid.map((i, k) => ({ instruction: metas[k]!.instruction, prompt: metas[k]!.prompt, candidate: mine[k]!, baseline: baseline[k]!, key: `${batch[i]!.prompt.id}|${seeds[k]}` })),
        blindOptionsOf(options),
      );
      const out = batch.map(() => 0);
      valid.forEach((i, k) => (out[i] = scoreOf(options, verdicts[k]!)));
      return out;
    },
  };
}

/** How the relative rewards ask the judge: the soft preference always both ways round, the hard one as configured. */
function blindOptionsOf(options: RelativeRewardOptions): BlindOptions {
  return { seed: options.seed ?? 0, orders: options.soft ? 'both' : (options.orders ?? 'seeded') };
}

/** A relative reward's score of one blind verdict: the candidate's preference (soft) or its A.2 score. */
function scoreOf(options: RelativeRewardOptions, verdict: BlindVerdict): number {
  return options.soft ? verdict.preference : outcomeScore(verdict.outcome);
}

/**
 * Stage 2's versus-peers reward (beyond the paper, off by default): Eq. 9's judgement with another
 * completion of the same group in the naive image's place. Why: once every completion of a group
 * keeps the subject, every one beats naive concatenation and the preference reward has no spread,
 * while the frozen judge can still tell the reprompt that applies the instruction from one that
 * decorates (Table 1's hard negatives) — the comparison best-of-N makes at inference. Each valid
 * completion of a group is judged against the next valid one (cyclic, in sampling order), and
 * earns the mean of its two A.2 scores: as the candidate against the next, and as the baseline
 * (1 − the score) against the previous. A group's scores average 0.5 — the reward only ranks
 * within a group. A completion alone in its group (the others broke the format) earns 0.5; a broken
 * format earns 0.
 */
export function versusPeersReward(options: RelativeRewardOptions): RewardFunction<RepromptMeta> {
  return {
    name: options.soft ? 'versus_peers_prob' : 'versus_peers',
    weight: options.weight ?? 1,
    score: async (batch) => {
      const { valid, reprompts } = validReprompts(options.model, batch);
      const out = batch.map(() => 0);
      if (valid.length === 0) return out;
      const groups = new Map<string, number[]>(); // prompt id → positions in `valid`, in sampling order
      valid.forEach((i, k) => {
        const id = batch[i]!.prompt.id;
        const group = groups.get(id) ?? [];
        if (group.length === 0) groups.set(id, group);
        group.push(k);
      });
      const pairs: { candidate: number; baseline: number }[] = [];
      for (const ks of groups.values()) {
        if (ks.length === 1) out[valid[ks[0]!]!] = 0.5;
        else ks.forEach((k, n) => pairs.push({ candidate: k, baseline: ks[(n + 1) % ks.length]! }));
      }
      if (pairs.length === 0) return out;
      const metas = valid.map((i) => batch[i]!.prompt.meta);
      const drawn = await options.generate(reprompts, metas.map((m) => m.imageSeed));
      const verdicts = await judgeBlind(
        options.judge,
        pairs.map(({ candidate, baseline }) => ({ instruction: metas[candidate]!.instruction, prompt: metas[candidate]!.prompt, candidate: drawn[candidate]!, baseline: drawn[baseline]!, key: `${batch[valid[candidate]!]!.prompt.id}|peer|${candidate}` })),
        blindOptionsOf(options),
      );
      pairs.forEach(({ candidate, baseline }, n) => {
        const score = scoreOf(options, verdicts[n]!);
        const [c, b] = [valid[candidate]!, valid[baseline]!];
        out[c] = out[c]! + score / 2;
        out[b] = out[b]! + (1 - score) / 2;
      });
      return out;
    },
  };
}

/** What the subject-check reward needs of the evaluator: its greedy answers to caption checks. */
export type CaptionChecker = Pick<SeerMini, 'checkAnswers'>;

/** Stage 2's subject check (above): 1 when the evaluator reads the prompt's subject in the reprompt; 0 for a broken format. */
export function subjectCheckReward(options: { model: CompletionDecoder; checker: CaptionChecker; weight?: number }): RewardFunction<RepromptMeta> {
  return {
    name: 'subject_check',
    weight: options.weight ?? 1,
    score: async (batch) => {
      const { valid, reprompts } = validReprompts(options.model, batch);
      const out = batch.map(() => 0);
      if (valid.length === 0) return out;
      const answers = options.checker.checkAnswers(valid.map((i, k) => subjectCheckContext(batch[i]!.prompt.meta.prompt, reprompts[k]!)));
      valid.forEach((i, k) => (out[i] = parseCheckAnswer(answers[k]!) === true ? 1 : 0));
      return out;
    },
  };
}

/** The frozen draws of reprompts and the evaluator's reading of each (the reward functions that read them share one). */
export interface DrawnReadings {
  /** The reading of the image each reprompt draws at its row's seed; each distinct (instruction, prompt, seed, reprompt) is drawn and read once. */
  read(metas: readonly RepromptMeta[], reprompts: readonly string[]): Promise<Reading[]>;
}

/** `reader`'s readings of the frozen generator's draws (memoised: a greedy reading of a frozen draw depends only on its key). */
export function drawnReadings(reader: ImageReader, generate: (prompts: readonly string[], seeds: readonly number[]) => Promise<RgbImage[]>): DrawnReadings {
  const memo = new Map<string, Reading>();
  return {
    read: async (metas, reprompts) => {
      const keys = metas.map((m, k) => [m.instruction, m.prompt, m.imageSeed, reprompts[k]].join('\u0000'));
      const missing = [...new Set(keys.filter((key) => !memo.has(key)))].map((key) => keys.indexOf(key));
      if (missing.length > 0) {
        const images = await generate(missing.map((k) => reprompts[k]!), missing.map((k) => metas[k]!.imageSeed));
        const readings = await reader.readImages(missing.map((k, n) => ({ instruction: metas[k]!.instruction, prompt: metas[k]!.prompt, image: images[n]! })));
        missing.forEach((k, n) => memo.set(keys[k]!, { subject: readings[n]!.subject, instruction: readings[n]!.instruction }));
      }
      return keys.map((key) => memo.get(key)!);
    },
  };
}

/**
 * Stage 2's image reading (above): readingRank / 3 of the evaluator's reading of the reprompt's drawn
 * image, or with `of: 'subject'` its subject check alone (1 or 0); 0 for a broken format.
 */
export function imageReadingReward(options: {
  model: CompletionDecoder;
  /** The evaluator's readings of the frozen generator's draws (the preference reward drew these images already). */
  readings: DrawnReadings;
  /** What of the reading pays: both checks in the A.2 order (default), or the subject alone. */
  of?: 'both' | 'subject';
  weight?: number;
}): RewardFunction<RepromptMeta> {
  const score = options.of === 'subject' ? (r: Reading) => (r.subject ? 1 : 0) : (r: Reading) => readingRank(r) / 3;
  return {
    name: 'image_reading',
    weight: options.weight ?? 1,
    score: async (batch) => {
      const { valid, reprompts } = validReprompts(options.model, batch);
      const out = batch.map(() => 0);
      const readings = await options.readings.read(valid.map((i) => batch[i]!.prompt.meta), reprompts);
      valid.forEach((i, k) => (out[i] = score(readings[k]!)));
      return out;
    },
  };
}

/**
 * Stage 2's recall-carried reward (above): the share of the reasoning's recalled, drawable
 * descriptors that the answer says; 0 for none or a broken format. With `subjectGate`, paid only
 * when the evaluator's reading of the drawn image still shows the prompt's subject (the A.2 order:
 * a cue carried at the subject's cost is no gain).
 */
export function recallCarriedReward(options: { model: CompletionDecoder; subjectGate?: DrawnReadings; weight?: number }): RewardFunction<RepromptMeta> {
  return {
    name: 'recall_carried',
    weight: options.weight ?? 1,
    score: async (batch) => {
      const out = batch.map(() => 0);
      const { valid, reprompts, thinks } = validReprompts(options.model, batch);
      const carried = valid.map((_, k) => carriedShare(drawableRecall(thinks[k]!), reprompts[k]!));
      const gate = options.subjectGate ? (await options.subjectGate.read(valid.map((i) => batch[i]!.prompt.meta), reprompts)).map((r) => (r.subject ? 1 : 0)) : valid.map(() => 1);
      valid.forEach((i, k) => (out[i] = carried[k]! * gate[k]!));
      return out;
    },
  };
}

/** The descriptors a reasoning recalled that the generator's captions can say: what the recall-carried reward reads. */
export function drawableRecall(think: string): string[] {
  return recalledPhrases(think).filter((phrase) => DESCRIPTOR_PHRASES.has(phrase));
}

/** The share of the `recalled` descriptors that `reprompt` says (0 when nothing was recalled). */
export function carriedShare(recalled: readonly string[], reprompt: string): number {
  return recalled.length === 0 ? 0 : recalled.filter((phrase) => saysPhrase(reprompt, phrase)).length / recalled.length;
}

/** The completions of `batch` in the reprompt format: their indices, and each one's reprompt and reasoning (Stage 2's rewards score only these). */
function validReprompts(model: CompletionDecoder, batch: readonly { completion: { tokens: readonly number[] } }[]): { valid: number[]; reprompts: string[]; thinks: string[] } {
  const valid: number[] = [];
  const reprompts: string[] = [];
  const thinks: string[] = [];
  batch.forEach((x, i) => {
    const parsed = parseRepromptOutput(model.decodeText(x.completion.tokens));
    if (parsed.ok) {
      valid.push(i);
      reprompts.push(parsed.reprompt);
      thinks.push(parsed.think);
    }
  });
  return { valid, reprompts, thinks };
}
