// The vote queue's group commit: votes submitted in the same turn share one transaction, each gets
// its own outcome, nothing resolves before the commit, and a failed commit rejects the whole batch.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeRun, tempDir } from './fixtures.testkit.ts';
import { openDatabase } from './db.ts';
import { HumanEvalStore } from './store.ts';
import { createPairwiseStudy } from './studies.ts';
import { VoteQueue } from './vote-queue.ts';

function setup() {
  const dir = tempDir('queue');
  const store = new HumanEvalStore(openDatabase(join(dir, 'he.sqlite')));
  const { run } = makeRun(dir, { cases: 4, baselines: ['base'] });
  const { raters } = createPairwiseStudy(store, { run, raters: 2 });
  const items = store.raterItems(raters[0]?.id ?? 0).map((i) => i.item_id);
  return { store, rater: raters[0]?.id ?? 0, other: raters[1]?.id ?? 0, items };
}

describe('VoteQueue', () => {
  it('writes votes submitted together in one transaction and answers each', async () => {
    const { store, rater, items } = setup();
    const queue = new VoteQueue(store);
    const pending = items.map((item) => queue.submit({ raterId: rater, itemId: item, choice: 'tie', ms: null }));
    expect(store.progress(rater).done).toBe(0); // nothing written, so nothing acknowledged yet
    const outcomes = await Promise.all([...pending, queue.submit({ raterId: rater, itemId: 99999, choice: 'tie', ms: null })]);
    expect(outcomes.slice(0, items.length).every((o) => o?.verdict === 'tie')).toBe(true);
    expect(outcomes.at(-1)).toBeNull(); // not assigned: its own outcome, the others still stored
    expect(store.progress(rater).done).toBe(items.length);
    expect(queue.stats).toEqual({ batches: 1, votes: items.length + 1, largest: items.length + 1 });
    store.close();
  });

  it('splits at the batch limit and keeps order within a batch (last vote wins)', async () => {
    const { store, rater, items } = setup();
    const queue = new VoteQueue(store, 2);
    const first = items[0] ?? 0;
    await Promise.all([
      queue.submit({ raterId: rater, itemId: first, choice: 'left', ms: null }),
      queue.submit({ raterId: rater, itemId: first, choice: 'right', ms: null }),
      queue.submit({ raterId: rater, itemId: items[1] ?? 0, choice: 'tie', ms: null }),
    ]);
    expect(queue.stats.batches).toBe(2);
    expect(store.raterItems(rater).find((i) => i.item_id === first)?.choice).toBe('right');
    store.close();
  });

  it('rejects every vote of a batch whose transaction fails, and stores none of them', async () => {
    const { store, rater, items } = setup();
    const queue = new VoteQueue(store);
    store.db.exec(`CREATE TRIGGER fail BEFORE INSERT ON votes WHEN NEW.item_id = ${items[1]} BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
    const results = await Promise.allSettled(items.slice(0, 3).map((item) => queue.submit({ raterId: rater, itemId: item, choice: 'left', ms: null })));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(store.progress(rater).done).toBe(0);
    store.close();
  });
});
