import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonl } from '../core/io.ts';
import { z } from 'zod';
import type { TestRow } from '../data/schemas.ts';
import { writeRepromptLog } from './reprompt-log.ts';

const row = (id: string, instruction: string, prompt: string): TestRow =>
  ({ id, instruction, prompt, category: 'material', difficulty: 'simple', split: 'id' }) as unknown as TestRow;

describe('eval/reprompts.jsonl', () => {
  it('writes every case with each reprompter\'s text, reasoning and failure type, in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seer-reprompt-log-'));
    const rows = [row('c0', 'Sculpt it from rough granite.', 'a snail at home'), row('c1', 'Sculpt it from rough granite.', 'a clock in the kitchen')];
    writeRepromptLog(dir, rows, {
      seer: [{ reprompt: 'a stone snail at home', reasoning: 'that means stone.' }, { reprompt: 'a storm', reasoning: 'the user wants a storm.' }],
      naive: [{ reprompt: 'sculpt it from rough granite. a snail at home' }, { reprompt: 'whatever', validFormat: false }],
    });
    const back = readJsonl(join(dir, 'eval', 'reprompts.jsonl'), z.looseObject({ case_id: z.string(), reprompts: z.record(z.string(), z.looseObject({ text: z.string(), failure: z.string(), reasoning: z.string().optional() })) }));
    expect(back.map((r) => r.case_id)).toEqual(['c0', 'c1']);
    expect(back[0]!.reprompts.seer).toEqual({ text: 'a stone snail at home', failure: 'ok', reasoning: 'that means stone.' });
    expect(back[1]!.reprompts.seer!.failure).toBe('subject_lost');
    expect(back[0]!.reprompts.naive!.failure).toBe('type1_concatenation');
    expect(back[0]!.reprompts.naive!.reasoning).toBeUndefined();
    // A reprompt in a broken format counts as `format`, whatever text it fell back to.
    expect(back[1]!.reprompts.naive).toEqual({ text: 'whatever', failure: 'format' });
  });
});
