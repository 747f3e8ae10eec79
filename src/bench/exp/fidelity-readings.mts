// Experiment (docs/seer.md, "The read judge"): why a read judge's reward fidelity is what it is.
// On a run's test pairs of SEER's reprompt image against the naive image (eval/pairs.jsonl, the
// images it saved), judged by the run's Stage-1 model in both orders: how often its two readings
// decide ("a: subject yes, instruction yes" against anything less), how often its verdict follows
// a reading that decides, its answer when they tie (and in ties where only one image keeps the
// subject, whether it picks that one), and its agreement with the oracle where the oracle decides.
// Then, on the pairs the oracle decides, what a ranking of tied readings by the subject check first
// and then the number of cues the instruction check listed would give (the oracle's own order, A.2).
// npx tsx src/bench/exp/fidelity-readings.mts RUN_DIR
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { readPng, resizeImage, type RgbImage } from '../../image/image.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { parseReadings, readingVerdict } from '../../model/templates.ts';
import { SeerJudge } from '../../seer/roles.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
const run = process.argv[2]!;
const { model } = loadSeerMini(join(run, 'stage1-model'));
type Row = { split: string; instruction: string; prompt: string; oracle_verdict: 'seer' | 'baseline' | 'tie'; baseline: string; seer_image: string; baseline_image: string };
const rows = readFileSync(join(run, 'eval', 'pairs.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row).filter((r) => r.baseline === 'naive');
const size = model.image.imageSize;
const load = async (file: string): Promise<RgbImage> => resizeImage(await readPng(join(run, file)), size, size); // saved enlarged
const images: [RgbImage, RgbImage][] = [];
for (const r of rows) images.push([await load(r.seer_image), await load(r.baseline_image)]);

// 1. The judge in both orders.
const queries = rows.flatMap((r, i) => [false, true].map((flipped) => ({ r, flipped, q: { instruction: r.instruction, prompt: r.prompt, imageA: images[i]![flipped ? 1 : 0], imageB: images[i]![flipped ? 0 : 1] } })));
const answers = await new SeerJudge(model, { probabilities: false }).judge(queries.map((x) => x.q));
const stats: Record<string, { n: number; a: number; decides: number; follows: number; tiedA: number; decided: number; agrees: number; subjectOnly: number; picksSubject: number }> = {};
queries.forEach((x, i) => {
  const s = (stats[`${x.r.split}, SEER's image ${x.flipped ? 'b' : 'a'}`] ??= { n: 0, a: 0, decides: 0, follows: 0, tiedA: 0, decided: 0, agrees: 0, subjectOnly: 0, picksSubject: 0 });
  const verdict = answers[i]!.verdict;
  const reading = readingVerdict(parseReadings(answers[i]!.reasoning ?? ''));
  s.n++;
  if (verdict === 'A') s.a++;
  if (reading === 'tie') {
    if (verdict === 'A') s.tiedA++;
    // A tie in which only one image keeps the subject: does the verdict pick it (the oracle's order)?
    const lines = parseReadings(answers[i]!.reasoning ?? '');
    if (lines && lines.a.subject !== lines.b.subject) {
      s.subjectOnly++;
      if ((verdict === 'A') === lines.a.subject) s.picksSubject++;
    }
  } else {
    s.decides++;
    if (verdict === reading) s.follows++;
  }
  if (x.r.oracle_verdict !== 'tie') {
    s.decided++;
    if ((x.r.oracle_verdict === 'seer') === ((verdict === 'A') !== x.flipped)) s.agrees++;
  }
});
const f = (x: number, n: number) => +(x / Math.max(1, n)).toFixed(2);
console.log('the judge on reprompt-vs-naive test pairs, by split and order:');
for (const [k, s] of Object.entries(stats)) console.log(`  ${k.padEnd(22)} ${JSON.stringify({ n: s.n, answeredA: f(s.a, s.n), readingDecides: f(s.decides, s.n), followsDecidingReading: f(s.follows, s.decides), answeredAWhenTied: f(s.tiedA, s.n - s.decides), tiesWhereOnlyOneKeepsTheSubject: s.subjectOnly, verdictPicksIt: f(s.picksSubject, s.subjectOnly), agreesWithOracle: f(s.agrees, s.decided) })}`);

// 2. Ranking tied readings by the subject, then the cues listed, on the pairs the oracle decides.
const decided = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.oracle_verdict !== 'tie');
const captions = model.captionCodes(model.encodeImages(decided.flatMap(({ i }) => images[i]!)));
const readings = model.readCaptions(decided.flatMap(({ r }, k) => [0, 1].map((j) => ({ caption: captions[2 * k + j]!, instruction: r.instruction, prompt: r.prompt }))));
const cuesListed = (evidence: string | undefined) => (evidence ?? 'it has no change').replace(/^it has /, '').split(', ').filter((c) => c !== 'no change').length;
let decisive = 0, decisiveRight = 0, tied = 0, rankDecides = 0, rankRight = 0;
decided.forEach(({ r }, k) => {
  const ok = (j: number) => readings[j]!.subject && readings[j]!.instruction === true;
  const seerWins = r.oracle_verdict === 'seer';
  if (ok(2 * k) !== ok(2 * k + 1)) {
    decisive++;
    if (ok(2 * k) === seerWins) decisiveRight++;
    return;
  }
  tied++;
  const rank = (j: number) => (readings[j]!.subject ? 100 : 0) + cuesListed(readings[j]!.evidence);
  if (rank(2 * k) !== rank(2 * k + 1)) {
    rankDecides++;
    if ((rank(2 * k) > rank(2 * k + 1)) === seerWins) rankRight++;
  }
});
console.log(`pairs the oracle decides: ${decided.length}; the reading decides ${decisive} (${decisiveRight} right); of the ${tied} ties, subject-then-cues decides ${rankDecides} (${rankRight} right)`);
