/**
 * Builds the VIE dataset (paper §3.3, A.1): `seer data build --out DIR [--seed N]`.
 *
 * Training: 60 ID instructions × 10 prompts = 600 candidates → an image per candidate from the
 * image source → automated feasibility check by the oracle (the paper used GPT-5; an external chat
 * model can do it: `--check-base-url`, backends/openai/feasibility.ts) → optional
 * sparse human verification (decisions from the humaneval app) → the top 300, balanced across
 * categories. Each kept row carries the RLVR quadruplets of both curriculum phases (A.1.4).
 * Each kept row also carries oracle-verified phase-2 hard negatives of every kind (negatives.ts).
 * Validation (vie-val.jsonl): ID instructions with validation prompts in the test's wording, which
 * neither pretraining nor RL shows (world/prompts.ts), of `valSubjects` training subjects held out
 * of RL — no training row, negative or other-subject picture shows them — so that validation, like
 * the test, asks for subjects RL never saw (pretraining draws and reads all of them); every recipe
 * choice reads it, never the test set. With `valSubjects` 0 (the build before 2026-12-06 night)
 * validation uses every training subject. With `valHeldInstructions` N, N training instructions are
 * held out of RL too (no training row, candidate or negative shows them) and join both validation
 * files asked in their paraphrase — a text neither pretraining nor RL shows — marked `ood`, so that
 * validation, like the test's OOD half, asks for instruction texts RL never trained on.
 * Test: 40 instructions (20 ID reused with new prompts, 20 OOD unseen; Simple:Hard = 2:3 in each),
 * each with several test prompts; each case carries a verified positive and every verified
 * hard-negative kind for Table 1 (renders; the generator's own images are drawn at evaluation).
 *
 * Departure: candidate captions come from an imperfect "candidate writer" (the oracle's
 * elaboration with a cue dropped or swapped 35% of the time), so that the filter has work to do,
 * as the paper's candidate pool did.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { Rng } from '../core/rng.ts';
import { SeerError } from '../core/errors.ts';
import { ensureDir, readJsonl, writeJson, writeJsonl } from '../core/io.ts';
import { startProgress } from '../core/progress.ts';
import { CATEGORIES, OOD_INSTRUCTIONS, TRAIN_INSTRUCTIONS, type Category, type Instruction } from '../world/instructions.ts';
import { elaborate, evaluateRule } from '../world/rules.ts';
import { captionOf } from '../world/grammar.ts';
import { ATTRIBUTE_VALUES, SUBJECTS_TEST, SUBJECTS_TRAIN, defaultSpec, type Attribute, type SceneSpec, type Subject } from '../world/spec.ts';
import { TEST_PROMPTS, TRAIN_PROMPTS, VALIDATION_PROMPTS, samplePrompts, type PromptItem } from '../world/prompts.ts';
import { writePng, type RgbImage } from '../image/image.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { RendererSource } from './image-source.ts';
import type { ImageGenerator } from '../roles/roles.ts';
import { hardNegativeSpecs, NEGATIVE_KINDS, oracleAccepts, type NegativeKind } from './negatives.ts';
import { decisionRowSchema, type CandidateRow, type TestRow, type TrainRow } from './schemas.ts';

export const vieConfigSchema = z.object({
  seed: z.number().int().describe('seed for every random choice of the build').default(0),
  promptsPerInstruction: z.number().int().min(1).describe('training prompts per ID instruction (paper: 10 → 600 candidates)').default(10),
  keep: z.number().int().min(6).describe('training rows kept after filtering (paper: 300)').default(300),
  testPromptsPerInstruction: z.number().int().min(1).describe('test prompts per test instruction (≥3 gives usable intervals)').default(3),
  testInstructionsPerSplit: z.number().int().min(5).multipleOf(5).describe('test instructions per split, Simple:Hard = 2:3 (paper: 20)').default(20),
  valInstructions: z.number().int().min(5).multipleOf(5).describe('validation instructions (ID only: OOD texts stay unseen until the test), Simple:Hard = 2:3').default(20),
  valPromptsPerInstruction: z.number().int().min(1).describe('validation prompts per instruction (training subjects in the test wording, never trained on)').default(2),
  stage2ValInstructions: z.number().int().min(0).multipleOf(5).max(50).describe("instructions of Stage 2's own validation file (vie-val-stage2.jsonl: prompts only, of the held-out subjects, what Stage-2 choices read; 0: Stage 2 validates on vie-val.jsonl), Simple:Hard = 2:3").default(50),
  stage2ValPromptsPerInstruction: z.number().int().min(1).describe("prompts per instruction of Stage 2's validation file").default(4),
  valHeldInstructions: z.number().int().min(0).max(20).multipleOf(5).describe("training instructions held out of RL for validation, Simple:Hard = 2:3: no training row shows them, and both validation files ask them in their paraphrase, marked ood (0: RL trains on every training instruction, the build before 2026-12-07)").default(0),
  valSubjects: z.number().int().min(0).max(6).describe('training subjects held out of RL for validation: no training row shows them, so validation asks for subjects RL never saw, as the test does (0: validation uses every training subject, the build before 2026-12-06 night)').default(3),
  candidateNoise: z.number().min(0).max(1).describe('chance the candidate writer drops or swaps a cue').default(0.35),
  imageSize: z.number().int().min(16).describe('image side in pixels').default(32),
  drawsPerCandidate: z.number().int().min(1).max(8).describe('images drawn per candidate (different seeds); the oracle keeps the best-scoring one — a weak generator needs 2 for 300 of 600 to pass').default(1),
  humanDecisions: z.string().optional().describe('decisions.jsonl from `seer humaneval decisions`: rejected candidates are dropped'),
});
export type VieConfig = z.infer<typeof vieConfigSchema>;

export interface VieSummary {
  train: number;
  candidates: number;
  passedAutoCheck: number;
  rejectedByHumans: number;
  test: number;
  validation: number;
  /** Rows of Stage 2's validation file (vie-val-stage2.jsonl; 0: none, Stage 2 validates on vie-val.jsonl). */
  stage2Validation: number;
  /** The training subjects held out of RL that validation asks for (empty: validation uses every training subject). */
  validationSubjects: Subject[];
  /** The ids of the training instructions held out of RL that validation asks in paraphrase (empty: none). */
  validationHeldInstructions: string[];
  /** Verified hard negatives per kind: training rows, validation, test. */
  negatives: Record<string, { train: number; validation: number; test: number }>;
  counts: Record<string, { train: number; testId: number; testOod: number }>;
}

/** An external automated check (A.1.2's GPT-5 step), e.g. a chat model asked yes/no per image. */
export interface AutoCheck {
  readonly name: string;
  check(items: readonly { instruction: string; prompt: string; image: RgbImage }[]): Promise<boolean[]>;
}

export async function buildVie(outDir: string, input: Partial<VieConfig> = {}, options: { source?: ImageGenerator; oracle?: OracleJudge; autoCheck?: AutoCheck; quiet?: boolean } = {}): Promise<VieSummary> {
  const config = vieConfigSchema.parse(input);
  const source = options.source ?? new RendererSource(config.imageSize);
  const oracle = options.oracle ?? new OracleJudge();
  // Validation and test cases are drawn by the renderer whatever draws the training pool.
  const renders = new RendererSource(config.imageSize);
  const rng = new Rng(config.seed);
  ensureDir(outDir);
  writeJson(join(outDir, 'config.json'), { ...config, imageSource: source.name, autoCheck: options.autoCheck?.name ?? 'oracle' });

  // Training subjects held out of RL for validation; RL sees the rest.
  const validationSubjects: Subject[] = config.valSubjects > 0 ? rng.fork('validation-subjects').sample(SUBJECTS_TRAIN, config.valSubjects) : [];
  const heldOut = new Set(validationSubjects);
  const rlSubjects = SUBJECTS_TRAIN.filter((s) => !heldOut.has(s));
  const rlPrompts = TRAIN_PROMPTS.filter((p) => !heldOut.has(p.subject));
  // Training instructions held out of RL for validation (asked there in their paraphrase); RL sees the rest.
  const heldInstructions = config.valHeldInstructions > 0 ? pickTestInstructions(TRAIN_INSTRUCTIONS, config.valHeldInstructions, rng.fork('validation-instructions')) : [];
  const heldInstructionIds = new Set(heldInstructions.map((ins) => ins.id));
  const rlInstructions = TRAIN_INSTRUCTIONS.filter((ins) => !heldInstructionIds.has(ins.id));
  const heldAsked = heldInstructions.map(askedInParaphrase);

  // 1. Candidates: every ID instruction with fresh training prompts.
  const candidates: { id: string; ins: Instruction; prompt: PromptItem; reference: SceneSpec; caption: string; seed: number }[] = [];
  const candRng = rng.fork('candidates');
  for (const ins of rlInstructions) {
    const prompts = samplePrompts(candRng, nonTrivialPrompts(ins, rlPrompts), config.promptsPerInstruction);
    prompts.forEach((prompt, k) => {
      const reference = elaborate(ins.rule, defaultSpec(prompt.subject), candRng);
      if (!reference) throw new SeerError('internal', `cannot elaborate ${ins.id} for ${prompt.subject}`);
      const written = candRng.bool(config.candidateNoise) ? perturb(reference, ins, candRng) : reference;
      candidates.push({ id: `train-${ins.id}-${k}`, ins, prompt, reference, caption: captionOf(written), seed: candRng.int(1 << 30) });
    });
  }
  const progress = startProgress('vie build', 4, { quiet: options.quiet ?? false });
  // Each candidate drawn `drawsPerCandidate` times; the automated check (2.) keeps the best draw.
  const draws = config.drawsPerCandidate;
  const drawn = await source.generate(candidates.flatMap((c) => Array.from({ length: draws }, () => c.caption)), candidates.flatMap((c) => Array.from({ length: draws }, (_, d) => c.seed + d * 104729)));
  const candImages: RgbImage[] = [];
  const checks = candidates.map((c, i) => {
    const options = drawn.slice(i * draws, (i + 1) * draws);
    const assessed = oracle.assess(options, c.ins.rule, c.prompt.subject);
    let best = 0;
    assessed.forEach((a, d) => {
      const b = assessed[best]!;
      if (Number(a.satisfied) > Number(b.satisfied) || (a.satisfied === b.satisfied && a.score > b.score)) best = d;
    });
    candImages.push(options[best]!);
    return assessed[best]!;
  });
  progress.tick();

  // 2. Automated check by the oracle (above); 3. sparse human verification (optional).
  // With an external check its verdict decides pass/fail; the oracle's score still ranks the kept rows.
  const external = options.autoCheck ? await options.autoCheck.check(candidates.map((c, i) => ({ instruction: c.ins.text, prompt: c.prompt.text, image: candImages[i]! }))) : null;
  const passed = (i: number): boolean => (external ? external[i] === true : checks[i]!.satisfied);
  const rejected = readRejections(config.humanDecisions);
  const candidateRows: CandidateRow[] = candidates.map((c, i) => {
    const image = `images/candidates/${c.id}.png`;
    writePng(join(outDir, image), candImages[i]!);
    return {
      id: c.id, instruction: c.ins.text, prompt: c.prompt.text, category: c.ins.category, difficulty: c.ins.difficulty, image,
      auto_check: passed(i) ? 'pass' : 'fail',
    };
  });
  writeJsonl(join(outDir, 'candidates.jsonl'), candidateRows);
  progress.tick();

  // 4. Keep the best `keep`, balanced across categories, ranked by oracle score.
  const passing = candidates
    .map((c, i) => ({ c, i, score: checks[i]!.score }))
    .filter(({ c, i }) => passed(i) && !rejected.has(c.id));
  const kept = selectBalanced(passing, config.keep, rng.fork('select'));
  if (kept.length === 0) {
    throw new SeerError('bad_input', `no training candidate passed the feasibility check (image source: ${source.name}): its images never follow the instruction; use renders (\`--image-source render\`) or a better checkpoint`);
  }

  const trainRows: TrainRow[] = [];
  const p1Rng = rng.fork('phase1');
  const p1Requests = kept.flatMap(({ c }) => {
    const masked = p1Rng.bool(0.5);
    const other = p1Rng.pick(rlSubjects.filter((s) => s !== c.prompt.subject));
    const negative = masked ? { ...defaultSpec(null) } : defaultSpec(other);
    return [
      { caption: captionOf(defaultSpec(c.prompt.subject)), seed: p1Rng.int(1 << 30), kind: 'pos' as const },
      { caption: captionOf(negative), seed: p1Rng.int(1 << 30), kind: masked ? ('masked' as const) : ('changed' as const) },
    ];
  });
  const p1Images = await source.generate(p1Requests.map((r) => r.caption), p1Requests.map((r) => r.seed));
  // Phase-2 hard negatives beyond the plain picture, drawn by the same source, kept if the oracle
  // agrees they fail (i, p).
  const negRng = rng.fork('phase2-negatives');
  const trainPools = { subjects: rlSubjects, instructions: rlInstructions };
  const negRequests = kept.flatMap(({ c }, k) =>
    hardNegativeSpecs(c.ins, c.prompt.subject, c.reference, negRng, trainPools)
      .filter((n) => n.kind !== 'plain')
      .map((n) => ({ k, kind: n.kind, caption: captionOf(n.spec), seed: negRng.int(1 << 30) })),
  );
  const negImages = await source.generate(negRequests.map((r) => r.caption), negRequests.map((r) => r.seed));
  const negVerified = negRequests.map((r, j) => !oracleAccepts(oracle, negImages[j]!, kept[r.k]!.c.ins.rule, kept[r.k]!.c.prompt.subject));
  kept.forEach(({ c, i, score }, k) => {
    const dir = `images/train/${c.id}`;
    const pos = `${dir}/phase1-positive.png`;
    const neg = `${dir}/phase1-negative.png`;
    const cand = `${dir}/phase2-positive.png`;
    writePng(join(outDir, pos), p1Images[2 * k]!);
    writePng(join(outDir, neg), p1Images[2 * k + 1]!);
    writePng(join(outDir, cand), candImages[i]!);
    const negatives: { kind: NegativeKind; image: string }[] = [{ kind: 'plain', image: pos }];
    negRequests.forEach((r, j) => {
      if (r.k !== k || !negVerified[j]) return;
      const image = `${dir}/phase2-negative-${r.kind}.png`;
      writePng(join(outDir, image), negImages[j]!);
      negatives.push({ kind: r.kind, image });
    });
    trainRows.push({
      id: c.id, instruction: c.ins.text, instruction_id: c.ins.id, prompt: c.prompt.text, subject: c.prompt.subject,
      category: c.ins.category, difficulty: c.ins.difficulty, split: 'id', elaboration: captionOf(c.reference),
      candidate_score: round(score),
      rlvr: {
        phase1: { positive: pos, negative: neg, negative_kind: p1Requests[2 * k + 1]!.kind as 'masked' | 'changed' },
        phase2: { positive: cand, negative: pos, negatives },
      },
    });
  });
  writeJsonl(join(outDir, 'vie-train.jsonl'), trainRows);
  progress.tick();

  // 5. Validation: ID instructions with prompts in the test's wording of the held-out subjects
  //    (every training subject without them) — every recipe choice and early-stopping rule reads
  //    this, never the test set.
  const valRng = rng.fork('validation');
  const valInstructions = [...pickTestInstructions(rlInstructions, config.valInstructions, valRng), ...heldAsked];
  const valPrompts = heldOut.size > 0 ? VALIDATION_PROMPTS.filter((p) => heldOut.has(p.subject)) : VALIDATION_PROMPTS;
  const valRows = await buildJudgedCases(outDir, 'val', valInstructions, (ins) => nonTrivialPrompts(ins, valPrompts), config.valPromptsPerInstruction, valRng, { subjects: SUBJECTS_TRAIN, instructions: TRAIN_INSTRUCTIONS });
  writeJsonl(join(outDir, 'vie-val.jsonl'), valRows);
  // 5b. Stage 2's validation: more cases of the same kind, as prompts only (Stage 2's win ratios
  //     draw their own images). 40 cases cannot tell recipes 0.03–0.05 apart (docs/seer.md).
  //     Held-out instructions take their places among its instructions (at most the training instructions RL keeps allow).
  const stage2ValRows = config.stage2ValInstructions > 0 ? repromptValidationRows(rlInstructions, heldAsked, config.stage2ValInstructions, config.stage2ValPromptsPerInstruction, rng.fork('stage2-validation'), valPrompts) : [];
  if (stage2ValRows.length > 0) writeJsonl(join(outDir, 'vie-val-stage2.jsonl'), stage2ValRows);

  // 6. Test set: ID instructions with new prompts, OOD instructions, Simple:Hard = 2:3 per split.
  const testRng = rng.fork('test');
  const testId = pickTestInstructions(TRAIN_INSTRUCTIONS, config.testInstructionsPerSplit, testRng);
  const testOod = pickTestInstructions(OOD_INSTRUCTIONS, config.testInstructionsPerSplit, testRng);
  const testRows = [
    ...(await buildJudgedCases(outDir, 'test', testId, (ins) => nonTrivialPrompts(ins, TEST_PROMPTS), config.testPromptsPerInstruction, testRng, { subjects: SUBJECTS_TEST, instructions: TRAIN_INSTRUCTIONS })),
    ...(await buildJudgedCases(outDir, 'test', testOod, (ins) => nonTrivialPrompts(ins, TEST_PROMPTS), config.testPromptsPerInstruction, testRng, { subjects: SUBJECTS_TEST, instructions: OOD_INSTRUCTIONS })),
  ];
  writeJsonl(join(outDir, 'vie-test.jsonl'), testRows);
  progress.tick();
  progress.stop();

  // Judged cases (Table 1) are always renders: the instrument's ground truth. Table 1 on the
  // generator's own images is drawn from the stored captions at evaluation (eval/judge-accuracy.ts).
  async function buildJudgedCases(root: string, prefix: 'val' | 'test', instructions: readonly Instruction[], promptsFor: (ins: Instruction) => PromptItem[], perInstruction: number, caseRng: Rng, pools: { subjects: readonly Subject[]; instructions: readonly Instruction[] }): Promise<TestRow[]> {
    const rows: TestRow[] = [];
    for (const ins of instructions) {
      const prompts = samplePrompts(caseRng, promptsFor(ins), perInstruction);
      for (const [k, prompt] of prompts.entries()) {
        const reference = elaborate(ins.rule, defaultSpec(prompt.subject), caseRng)!;
        const id = `${prefix}-${ins.id}-${k}`;
        const dir = `images/${prefix}/${id}`;
        const judged = await verifiedCase(renders, oracle, ins, prompt, reference, caseRng, pools);
        const quadruplet = judged && judged.negatives.some((n) => n.kind === 'plain') ? { positive: `${dir}/positive.png`, negative: `${dir}/negative-plain.png` } : undefined;
        if (judged) {
          writePng(join(root, `${dir}/positive.png`), judged.positive);
          for (const n of judged.negatives) writePng(join(root, `${dir}/negative-${n.kind}.png`), n.image);
        }
        rows.push({
          id, instruction: ins.text, instruction_id: ins.id, prompt: prompt.text, subject: prompt.subject, category: ins.category,
          difficulty: ins.difficulty, split: ins.split, elaboration: captionOf(reference),
          ...(quadruplet ? { quadruplet } : {}),
          ...(judged ? { negatives: judged.negatives.map((n) => ({ kind: n.kind, caption: n.caption, image: `${dir}/negative-${n.kind}.png` })) } : {}),
        });
      }
    }
    return rows;
  }

  const counts: VieSummary['counts'] = {};
  for (const category of CATEGORIES) {
    counts[category] = {
      train: trainRows.filter((r) => r.category === category).length,
      testId: testRows.filter((r) => r.category === category && r.split === 'id').length,
      testOod: testRows.filter((r) => r.category === category && r.split === 'ood').length,
    };
  }
  const summary: VieSummary = {
    train: trainRows.length,
    candidates: candidates.length,
    passedAutoCheck: candidates.filter((_, i) => passed(i)).length,
    rejectedByHumans: candidates.filter((c, i) => passed(i) && rejected.has(c.id)).length,
    test: testRows.length,
    validation: valRows.length,
    stage2Validation: stage2ValRows.length,
    validationSubjects,
    validationHeldInstructions: heldInstructions.map((ins) => ins.id),
    negatives: Object.fromEntries(
      NEGATIVE_KINDS.map((kind) => [
        kind,
        {
          train: trainRows.filter((r) => r.rlvr.phase2.negatives?.some((n) => n.kind === kind)).length,
          validation: valRows.filter((r) => r.negatives?.some((n) => n.kind === kind)).length,
          test: testRows.filter((r) => r.negatives?.some((n) => n.kind === kind)).length,
        },
      ]),
    ),
    counts,
  };
  writeJson(join(outDir, 'summary.json'), summary);
  return summary;
}

/**
 * Stage 2's validation rows: `instructions` instructions × prompts of `prompts` (the held-out
 * subjects), with their elaboration and no judged images — the `held` ones (already asked in
 * paraphrase) and the rest drawn from RL's instructions.
 */
function repromptValidationRows(rlInstructions: readonly Instruction[], held: readonly Instruction[], instructions: number, perInstruction: number, rng: Rng, prompts: readonly PromptItem[]): TestRow[] {
  const drawn = instructions > held.length ? pickTestInstructions(rlInstructions, instructions - held.length, rng) : [];
  return [...drawn, ...held].flatMap((ins) =>
    samplePrompts(rng, nonTrivialPrompts(ins, prompts), perInstruction).map((prompt, k) => ({
      id: `val2-${ins.id}-${k}`, instruction: ins.text, instruction_id: ins.id, prompt: prompt.text, subject: prompt.subject, category: ins.category,
      difficulty: ins.difficulty, split: ins.split, elaboration: captionOf(elaborate(ins.rule, defaultSpec(prompt.subject), rng)!),
    })),
  );
}

/** A held-out instruction as validation asks it: in its paraphrase (no pretraining task shows it), marked ood. */
function askedInParaphrase(ins: Instruction): Instruction {
  return { ...ins, text: ins.paraphrases[0] ?? ins.text, split: 'ood' };
}

/** Prompts whose plain picture does not already satisfy the instruction. */
function nonTrivialPrompts(ins: Instruction, prompts: readonly PromptItem[]): PromptItem[] {
  return prompts.filter((p) => !evaluateRule(ins.rule, defaultSpec(p.subject)).satisfied);
}

/** The imperfect candidate writer: drop one changed slot back to its default, or swap it. */
function perturb(spec: SceneSpec, ins: Instruction, rng: Rng): SceneSpec {
  const plain = defaultSpec(spec.subject);
  const changed = (Object.keys(spec) as Attribute[]).filter((a) => a !== 'subject' && spec[a] !== plain[a]);
  if (changed.length === 0) return spec;
  const attr = rng.pick(changed);
  const out = { ...spec } as Record<Attribute, unknown>;
  out[attr] = rng.bool(0.5) ? plain[attr] : rng.pick(ATTRIBUTE_VALUES[attr] as readonly unknown[]);
  void ins;
  return out as unknown as SceneSpec;
}

function selectBalanced<T extends { c: { ins: Instruction }; score: number }>(items: T[], keep: number, rng: Rng): T[] {
  const perCategory = Math.floor(keep / CATEGORIES.length);
  const ranked = (list: T[]) => rng.shuffle(list).sort((a, b) => b.score - a.score);
  const chosen: T[] = [];
  const leftovers: T[] = [];
  for (const category of CATEGORIES) {
    const list = ranked(items.filter((x) => x.c.ins.category === category));
    chosen.push(...list.slice(0, perCategory));
    leftovers.push(...list.slice(perCategory));
  }
  chosen.push(...ranked(leftovers).slice(0, keep - chosen.length));
  return chosen;
}

/** 2:3 Simple:Hard, spread across the categories of each difficulty as evenly as possible. */
export function pickTestInstructions(pool: readonly Instruction[], total: number, rng: Rng): Instruction[] {
  const simple = (total * 2) / 5;
  const hard = total - simple;
  const out: Instruction[] = [];
  const take = (categories: Category[], n: number) => {
    categories.forEach((category, k) => {
      const count = Math.floor(n / categories.length) + (k < n % categories.length ? 1 : 0);
      const available = pool.filter((i) => i.category === category);
      if (available.length < count) throw new SeerError('bad_config', `only ${available.length} ${category} instructions for ${count} test slots; lower testInstructionsPerSplit`);
      out.push(...rng.sample(available, count));
    });
  };
  take(['material', 'perspective', 'semantic'], simple);
  take(['attribute', 'constraint', 'conceptual'], hard);
  return out;
}

/**
 * A judged case: a positive image the oracle verifies (rule satisfied, subject kept; up to 4
 * draws) and every hard-negative kind whose image the oracle verifies as failing. Null when no
 * positive verifies.
 */
async function verifiedCase(source: ImageGenerator, oracle: OracleJudge, ins: Instruction, prompt: PromptItem, reference: SceneSpec, rng: Rng, pools: { subjects: readonly Subject[]; instructions: readonly Instruction[] }) {
  const specs = hardNegativeSpecs(ins, prompt.subject, reference, rng, pools);
  for (let attempt = 0; attempt < 4; attempt++) {
    const captions = [captionOf(reference), ...specs.map((n) => captionOf(n.spec))];
    const images = await source.generate(captions, captions.map(() => rng.int(1 << 30)));
    if (!oracleAccepts(oracle, images[0]!, ins.rule, prompt.subject)) continue;
    const negatives = specs
      .map((n, j) => ({ kind: n.kind, caption: captions[j + 1]!, image: images[j + 1]! }))
      .filter((n) => !oracleAccepts(oracle, n.image, ins.rule, prompt.subject));
    return { positive: images[0]!, negatives };
  }
  return null;
}

function readRejections(path: string | undefined): Set<string> {
  if (!path) return new Set();
  if (!existsSync(path)) throw new SeerError('not_found', `--human-decisions ${path}: file not found`);
  return new Set(readJsonl(path, decisionRowSchema).filter((d) => d.decision === 'reject').map((d) => d.id));
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

export function formatSummary(summary: VieSummary): string {
  const lines = [
    `candidates ${summary.candidates} → auto-check pass ${summary.passedAutoCheck} → human-rejected ${summary.rejectedByHumans} → kept ${summary.train}; validation rows ${summary.validation} (Stage 2's: ${summary.stage2Validation})${summary.validationSubjects.length ? ` (subjects held out of RL: ${summary.validationSubjects.join(', ')})` : ''}; test rows ${summary.test}`,
    '',
    `verified hard negatives (rows with one): ${Object.entries(summary.negatives).map(([k, v]) => `${k} ${v.train}/${v.validation}/${v.test}`).join(', ')} (train/validation/test)`,
    '',
    '| category | difficulty | train (ID) | test ID | test OOD |',
    '|---|---|---|---|---|',
  ];
  const total = { train: 0, testId: 0, testOod: 0 };
  for (const category of CATEGORIES) {
    const c = summary.counts[category]!;
    total.train += c.train;
    total.testId += c.testId;
    total.testOod += c.testOod;
    const difficulty = ['material', 'perspective', 'semantic'].includes(category) ? 'simple' : 'hard';
    lines.push(`| ${category} | ${difficulty} | ${c.train} | ${c.testId} | ${c.testOod} |`);
  }
  lines.push(`| **total** | | ${total.train} | ${total.testId} | ${total.testOod} |`);
  return lines.join('\n');
}
