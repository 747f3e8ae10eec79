// Experiment (docs/model.md): does the base answer a yes/no question about an image's subject?
// On the validation rows' renders: "is there a SUBJECT?" (the world's word) and "is there PROMPT?"
// (the whole prompt), asked of the positive (yes), the plain negative (yes: same subject) and the
// subject-swapped and subject-lost negatives (no); accuracy per (form, image kind).
// npx tsx src/bench/exp/subject-question.mts CHECKPOINT DATA_DIR
import { join } from 'node:path';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { readPng, type RgbImage } from '../../image/image.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { questionContext } from '../../model/templates.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
const [dir, data] = [process.argv[2]!, process.argv[3]!];
const { model } = loadSeerMini(dir);
const rows = readJsonl(join(data, 'vie-val.jsonl'), testRowSchema).filter((r) => r.quadruplet);
const items: { kind: string; img: RgbImage; q: string; yes: boolean }[] = [];
for (const r of rows) {
  const pos = await readPng(join(data, r.quadruplet!.positive));
  for (const form of ['word', 'prompt'] as const) {
    const q = form === 'word' ? `is there a ${r.subject}?` : `is there ${r.prompt}?`;
    items.push({ kind: `${form} positive`, img: pos, q, yes: true });
    for (const n of r.negatives ?? []) if (n.kind === 'subject-swapped' || n.kind === 'subject-lost' || n.kind === 'plain') items.push({ kind: `${form} ${n.kind}`, img: await readPng(join(data, n.image)), q, yes: n.kind === 'plain' });
  }
}
const codes = model.encodeImages(items.map((i) => i.img));
const s = model.scoreAnswers(items.map((it, k) => model.encode(questionContext(it.q), [codes[k]!])), ['yes', 'no']);
const st: Record<string, [number, number]> = {};
items.forEach((it, k) => { const p = s[k]![0]! > s[k]![1]!; const x = (st[it.kind] ??= [0, 0]); x[1]++; if (p === it.yes) x[0]++; });
for (const [k, [r, n]] of Object.entries(st)) console.log(k.padEnd(26), n, (r / n).toFixed(2));
