// `seer eval versus` and the data builder's external check, wired to a real `seer serve` (the
// shipped base checkpoint on 127.0.0.1) as the "external" model; results must equal the same
// computation done in-process. Also starts the real `seer serve` CLI once.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRow } from '../data/schemas.ts';
import { buildVie } from '../data/vie.ts';
import { engine } from '../engine/torch.ts';
import { loadSeerMini } from '../model/checkpoint.ts';
import { SeerMiniGenerator } from '../model/generator.ts';
import { SeerReprompter } from '../seer/roles.ts';
import { winRatioTable } from './win-ratio.ts';
import { OOD_INSTRUCTIONS, TRAIN_INSTRUCTIONS } from '../world/instructions.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { naivePrompt, type UnifiedModel } from '../roles/roles.ts';
import { startOpenAIServer, type RunningOpenAIServer } from '../serve/serve.ts';
import { SeerMiniUnified } from '../backends/seer-mini/unified.ts';
import { OpenAIImageGenerator, OpenAIReprompter } from '../backends/openai/models.ts';
import { ChatFeasibilityCheck, checkQuestion, readYesNo } from '../backends/openai/feasibility.ts';
import { formatVersus, versus } from './versus.ts';

let server: RunningOpenAIServer;
let local: SeerMiniUnified;
const rows: TestRow[] = [TRAIN_INSTRUCTIONS[0]!, TRAIN_INSTRUCTIONS[40]!, OOD_INSTRUCTIONS[3]!].map((ins, k) => ({
  id: `t${k}`, instruction: ins.text, instruction_id: ins.id, prompt: k === 1 ? 'a vintage teapot' : 'a cat', subject: k === 1 ? 'teapot' : 'cat',
  category: ins.category, difficulty: ins.difficulty, split: ins.split, elaboration: 'a cat',
}));

beforeAll(async () => {
  engine.setThreads(1);
  local = new SeerMiniUnified(loadSeerMini().model);
  server = await startOpenAIServer({ model: local, imageSize: 32 });
});
afterAll(async () => server?.close());

describe('seer eval versus against seer serve', () => {
  const config = () => ({ baseUrl: server.baseUrl, model: 'seer-mini', apiKeyEnv: 'SEER_TEST_NO_KEY', temperature: 0.7 });
  const imageSeeds = [3, 4];
  const sides = () => ({
    seer: new SeerReprompter(local.model),
    generator: new SeerMiniGenerator(local.model),
    external: { name: 'served', reprompter: new OpenAIReprompter(config()), generator: new OpenAIImageGenerator(config()) },
  });

  it('Table 2 (external reprompter through SEER\'s generator) equals the in-process computation', async () => {
    const { seer, generator, external } = sides();
    const result = await versus({ rows, kind: 'reprompter', seer, generator, external, judge: new OracleJudge(), imageSeeds, seed: 1 });
    const requests = rows.map((r) => ({ instruction: r.instruction, prompt: r.prompt }));
    const baseline = await Promise.all(requests.map(async (r, i) => (await local.reprompt([r], { seed: 1 + i, temperature: 0.7 }))[0]!.reprompt));
    const expected = await winRatioTable({ rows, seer: (await seer.reprompt(requests, { seed: 1 })).map((r) => r.reprompt), baseline, generator, judge: new OracleJudge(), imageSeeds, seed: 1 });
    expect(result.verdicts).toEqual(expected.verdicts);
    expect(result.table.total).toEqual(expected.total);
    expect(result.table.total.n).toBe(6);
    expect(result.baselineValidFormat).toBeGreaterThanOrEqual(0);
    expect(formatVersus(result)).toMatch(/SEER vs served \(reprompter\), judged by oracle: 3 test rows × 2 image seed\(s\)/);
  });

  it('Table 3 (external UMM draws the naive prompt itself) uses its images for the baseline side', async () => {
    const { seer, generator, external } = sides();
    const result = await versus({ rows, kind: 'umm', seer, generator, external, judge: new OracleJudge(), imageSeeds, seed: 1 });
    const requests = rows.map((r) => ({ instruction: r.instruction, prompt: r.prompt }));
    // The served generator draws each image in its own call (seed-exact), unlike the batched local one.
    const served = { name: 'per-image', generate: async (p: readonly string[], s: readonly number[]) => Promise.all(p.map(async (x, i) => (await local.generate([x], [s[i]!]))[0]!)) };
    const expected = await winRatioTable({ rows, seer: (await seer.reprompt(requests, { seed: 1 })).map((r) => r.reprompt), baseline: requests.map((r) => naivePrompt(r)), generator, baselineGenerator: served, judge: new OracleJudge(), imageSeeds, seed: 1 });
    expect(result.verdicts).toEqual(expected.verdicts);
    expect(result.baselineValidFormat).toBeUndefined();
  });
});

/**
 * SEER-Mini served, except that it answers questions "yes" exactly when the image's first red value
 * is even: a checker with a known, mixed answer pattern, whatever the shipped checkpoint would say
 * (a base that answers this untrained question "no" to all 60 candidates would leave nothing to keep).
 */
function parityChecker(inner: UnifiedModel): UnifiedModel {
  return {
    name: 'parity-checker',
    reprompt: (requests, options) => inner.reprompt(requests, options),
    judge: (queries) => inner.judge(queries),
    generate: (prompts, seeds) => inner.generate(prompts, seeds),
    describe: (queries) => Promise.resolve(queries.map((q) => ((q.image.data[0] ?? 0) % 2 === 0 ? 'yes' : 'no'))),
  };
}

describe('seer data build with an external automated check', () => {
  let checker: RunningOpenAIServer;
  let served: UnifiedModel;
  beforeAll(async () => {
    served = parityChecker(local);
    checker = await startOpenAIServer({ model: served, imageSize: 32, name: 'seer-mini' });
  });
  afterAll(async () => checker?.close());

  it('keeps exactly the candidates the served model answers "yes" for', async () => {
    const check = new ChatFeasibilityCheck({ baseUrl: checker.baseUrl, model: 'seer-mini', apiKeyEnv: 'SEER_TEST_NO_KEY' });
    const out = mkdtempSync(join(tmpdir(), 'seer-vie-check-'));
    const summary = await buildVie(out, { promptsPerInstruction: 1, keep: 6, testInstructionsPerSplit: 5, testPromptsPerInstruction: 1 }, { autoCheck: check, quiet: true });
    const candidates = readFileSync(join(out, 'candidates.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { instruction: string; prompt: string; image: string; auto_check: string });
    expect(candidates).toHaveLength(60);
    const { readPng } = await import('../image/image.ts');
    const answers = await Promise.all(candidates.slice(0, 12).map(async (c) => (await served.describe([{ image: await readPng(join(out, c.image)), question: checkQuestion(c.instruction, c.prompt) }]))[0]!));
    // Both answers occur, so keeping exactly the "yes" candidates is a real test.
    expect(new Set(candidates.map((c) => c.auto_check))).toEqual(new Set(['pass', 'fail']));
    expect(candidates.slice(0, 12).map((c) => c.auto_check)).toEqual(answers.map((a) => (readYesNo(a) === true ? 'pass' : 'fail')));
    expect(summary.passedAutoCheck).toBe(candidates.filter((c) => c.auto_check === 'pass').length);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).autoCheck).toBe('openai:seer-mini');
  });

  it('reads yes/no answers', () => {
    expect([readYesNo('Yes.'), readYesNo(' no, it is a dog'), readYesNo('<think>hmm</think> yes'), readYesNo('maybe')]).toEqual([true, false, true, null]);
  });
});

describe('the seer serve CLI', () => {
  it('starts on 127.0.0.1, prints its base URL, serves /v1/models and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/seer.mjs', 'serve', '--port', '0', '--threads', '1'], { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /seer serve: (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`seer serve exited ${code}: ${out}`)));
        setTimeout(() => reject(new Error(`no URL within 30 s: ${out}`)), 30_000);
      });
      const models = (await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] };
      expect(models.data[0]!.id).toBe('seer-mini');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
