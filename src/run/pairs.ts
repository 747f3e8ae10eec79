/**
 * The human-evaluation app's input for a run (paper A.2): `eval/pairs.jsonl` plus its images, one
 * row per test case × image seed × baseline, with SEER's image, the baseline's image, the oracle's
 * verdict (the instrument standing in for raters) and SEER's own judge's verdict (the reward Stage 2
 * was trained on), so `seer humaneval create --run DIR` can run the blind study on any finished run
 * and its results can be set beside both. The row format is the app's `pairRowSchema`
 * (src/humaneval/schemas.ts); image paths are relative to the run folder.
 */
import { join } from 'node:path';
import { writeJsonl } from '../core/io.ts';
import type { TestRow } from '../data/schemas.ts';
import { seerVerdict, type Verdict } from '../eval/stats.ts';
import { judgeBlind } from '../roles/blind.ts';
import { writePng, type RgbImage } from '../image/image.ts';
import type { PairwiseJudge } from '../roles/roles.ts';

export interface BaselinePairs {
  name: string;
  /** From `winRatioTable(…, { keepImages: true })`: one verdict and one image pair per (case, image seed). */
  verdicts: readonly { caseId: string; seed: number; verdict: Verdict }[];
  images: readonly { seer: RgbImage; baseline: RgbImage }[];
}

/** Write `runDir/eval/pairs.jsonl` and `runDir/eval/pairs/…png`; returns the number of rows. */
export async function writeHumanEvalPairs(runDir: string, rows: readonly TestRow[], baselines: readonly BaselinePairs[], seerJudge: PairwiseJudge, seed: number): Promise<number> {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out: Record<string, unknown>[] = [];
  for (const b of baselines) {
    const slug = b.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
    const cases = b.verdicts.map((v, i) => ({ v, row: byId.get(v.caseId)!, images: b.images[i]! }));
    const own = await judgeBlind(seerJudge, cases.map(({ v, row, images }) => ({ instruction: row.instruction, prompt: row.prompt, candidate: images.seer, baseline: images.baseline, key: `${row.id}-${v.seed}` })), { seed });
    cases.forEach(({ v, row, images }, i) => {
      const seerImage = `eval/pairs/${slug}/${row.id}-${v.seed}-seer.png`;
      const baselineImage = `eval/pairs/${slug}/${row.id}-${v.seed}-baseline.png`;
      writePng(join(runDir, seerImage), images.seer, 4);
      writePng(join(runDir, baselineImage), images.baseline, 4);
      out.push({
        case_id: row.id, instruction: row.instruction, prompt: row.prompt, category: row.category, difficulty: row.difficulty, split: row.split,
        seed: v.seed, baseline: b.name, seer_image: seerImage, baseline_image: baselineImage, oracle_verdict: v.verdict, judge_verdict: seerVerdict(own[i]!.outcome),
      });
    });
  }
  writeJsonl(join(runDir, 'eval', 'pairs.jsonl'), out);
  return out.length;
}
