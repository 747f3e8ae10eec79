// Experiment (docs/seer.md, "Stage 2 pays the answer for carrying its own recall"): how often a
// reprompter's reasoning recalls what the instruction means ("that means stone"), whether that
// recall is right (every recalled phrase is one of the instruction rule's cues), whether its answer
// carries it (the reward `--stage2-recall-carried` pays), and the oracle's failure type of the answer in each case. Each model samples DRAFTS
// reprompts for each validation row (text only: nothing is drawn).
// npx tsx src/bench/exp/recall-carried.mts DRAFTS CHECKPOINT_OR_RUN...
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { recalledPhrases } from '../../model/templates.ts';
import { carriedShare, drawableRecall } from '../../seer/rewards.ts';
import { SeerReprompter } from '../../seer/roles.ts';
import { classifyReprompt, countFailures, type FailureType } from '../../eval/failures.ts';
import { ruleCues } from '../../pretrain/reprompts.ts';
import { cuePhrase } from '../../world/knowledge.ts';
import { findInstruction } from '../../world/instructions.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);

const [drafts, ...models] = [Number(process.argv[2]), ...process.argv.slice(3)];
const dataDir = models.map((m) => join(m, 'data')).find((d) => existsSync(join(d, 'vie-val.jsonl'))) ?? 'runs/ir1-s0/data';
const rows = readJsonl(join(dataDir, 'vie-val.jsonl'), testRowSchema);
const asks = rows.flatMap((row) => Array.from({ length: drafts }, () => row));
const pct = (x: number, n: number) => (n ? (x / n).toFixed(2) : '—');
for (const where of models) {
  const dir = existsSync(join(where, 'stage2-model')) ? join(where, 'stage2-model') : where;
  const outputs = await new SeerReprompter(loadSeerMini(dir).model).reprompt(asks, { seed: 7 });
  const groups: Record<string, FailureType[]> = { 'no recall': [], 'recall wrong, carried': [], 'recall wrong, not carried': [], 'recall right, carried': [], 'recall right, not carried': [] };
  outputs.forEach((out, i) => {
    const row = asks[i]!;
    const type = classifyReprompt(row.instruction, row.prompt, out.validFormat ? out.reprompt : null);
    const phrases = out.validFormat ? drawableRecall(out.reasoning ?? '') : [];
    if (phrases.length === 0) return void groups['no recall']!.push(type);
    const wanted = new Set(ruleCues(findInstruction(row.instruction)!.rule).map(cuePhrase));
    const right = phrases.every((p) => wanted.has(p));
    const carried = carriedShare(phrases, out.reprompt) > 0;
    groups[`recall ${right ? 'right' : 'wrong'}, ${carried ? 'carried' : 'not carried'}`]!.push(type);
  });
  console.log(`${dir}: ${rows.length} validation rows × ${drafts} drafts`);
  for (const [name, types] of Object.entries(groups)) {
    const c = countFailures(types);
    console.log(`  ${name.padEnd(26)} ${pct(types.length, outputs.length)} of drafts; ok ${pct(c.ok, types.length)}, subject lost ${pct(c.subject_lost, types.length)}, II ${pct(c.type2_misinterpretation, types.length)}, III ${pct(c.type3_neglect, types.length)}, I ${pct(c.type1_concatenation, types.length)}`);
  }
  const examples = outputs.map((o, i) => ({ o, row: asks[i]! })).filter(({ o }) => recalledPhrases(o.reasoning ?? '').length > 0).slice(0, 4);
  for (const { o, row } of examples) console.log(`    ${row.instruction} + ${row.prompt} → ${o.reasoning} ⇒ ${o.reprompt}`);
}
