import { describe, expect, it } from 'vitest';
import { winRatioTable, averageWords } from './win-ratio.ts';
import { RendererSource } from '../data/image-source.ts';
import { OracleJudge } from '../oracle/judge.ts';
import type { TestRow } from '../data/schemas.ts';

const row = (id: string, split: 'id' | 'ood', difficulty: 'simple' | 'hard'): TestRow => ({
  id, instruction: "Place a golden crown on the object's head.", instruction_id: 'id-semantic-01', prompt: 'a vintage teapot', subject: 'teapot',
  category: 'semantic', difficulty, split, elaboration: 'a white teapot with a golden crown',
});

describe('win ratio (Tables 2–3)', () => {
  const rows = [row('a', 'id', 'simple'), row('b', 'ood', 'simple'), row('c', 'ood', 'hard')];
  it('scores the compliant reprompt as a win whichever side it is shown on, with interval and p-value', async () => {
    const table = await winRatioTable({
      rows, seer: rows.map(() => 'a white teapot with a golden crown'), baseline: rows.map(() => 'a white teapot'),
      generator: new RendererSource(), judge: new OracleJudge(), imageSeeds: [1, 2, 3, 4],
    });
    expect(table.total.n).toBe(12);
    expect(table.total.winRatio).toBe(1);
    // The sign test counts the 3 cases, not the 12 votes: 2 / 2^3 (votes would give 2 / 2^12).
    expect(table.total).toMatchObject({ cases: 3, wins: 3, losses: 0, ties: 0 });
    expect(table.total.pValue).toBeCloseTo(2 / 8, 12);
    expect(table.id.overall.n).toBe(4);
    expect(new Set(table.verdicts.map((v) => v.seerFirst)).size).toBe(2);
  });

  it('gives ties 0.5', async () => {
    const table = await winRatioTable({ rows, seer: rows.map(() => 'a white teapot'), baseline: rows.map(() => 'a white teapot'), generator: new RendererSource(), judge: new OracleJudge(), imageSeeds: [1] });
    expect(table.total.winRatio).toBe(0.5);
    expect(table.total).toMatchObject({ cases: 3, wins: 0, losses: 0, ties: 3, pValue: 1 });
    expect(averageWords(['a b c', 'd'])).toBe(2);
  });
});
