// Experiment (docs/seer.md, "Validation on subjects RL never saw"; docs/model.md): how often a
// model's own reprompts (its CoT, sampled as Table 2's "base (CoT)" column samples) lose the
// prompt's subject — on 480 pretraining-style prompts (composed phrases over all 24 subjects, never
// a test or validation text; training instructions), split into test and training subjects, and on
// each VIE file given. A pretraining-level measure: the prompts are pretraining's, not the test's.
// npx tsx src/bench/exp/subject-copying.mts --files runs/hv-s0/data/vie-val.jsonl -- checkpoints/seer-mini-base
import { Rng } from '../../core/rng.ts';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { pretrainPrompt } from '../../pretrain/mix.ts';
import { TRAIN_INSTRUCTIONS } from '../../world/instructions.ts';
import { SUBJECTS_TEST } from '../../world/spec.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { SeerReprompter } from '../../seer/roles.ts';
import { classifyReprompt } from '../../eval/failures.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);

const args = process.argv.slice(2);
const split = args.indexOf('--');
const files = args[0] === '--files' ? args.slice(1, split) : [];
const models = split >= 0 ? args.slice(split + 1) : args;
const rng = new Rng(7);
const composed = Array.from({ length: 480 }, () => {
  const p = pretrainPrompt(rng);
  return { instruction: rng.pick(TRAIN_INSTRUCTIONS).text, prompt: p.text, subject: p.subject as string };
});
const lost = async (model: string, rows: readonly { instruction: string; prompt: string }[]): Promise<boolean[]> => {
  const out = await new SeerReprompter(loadSeerMini(model).model).reprompt(rows, { seed: 0 });
  return rows.map((r, i) => classifyReprompt(r.instruction, r.prompt, out[i]!.validFormat === false ? null : out[i]!.reprompt) === 'subject_lost');
};
for (const model of models) {
  const flags = await lost(model, composed);
  const isTest = composed.map((r) => (SUBJECTS_TEST as readonly string[]).includes(r.subject));
  const count = (test: boolean) => `${flags.filter((f, i) => f && isTest[i] === test).length}/${isTest.filter((t) => t === test).length}`;
  const parts = [`composed prompts: test subjects ${count(true)}, training subjects ${count(false)}`];
  for (const file of files) {
    const rows = readJsonl(file, testRowSchema);
    parts.push(`${file}: ${(await lost(model, rows)).filter(Boolean).length}/${rows.length}`);
  }
  console.log(`${model} — subject lost: ${parts.join('; ')}`);
}
