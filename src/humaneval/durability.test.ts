// Durability test: the real server (`seer humaneval serve`, a child process) is killed with
// SIGKILL while 20 raters are voting, three times, and restarted on the same database each time.
// After every kill, every vote the server had acknowledged (HTTP 200 received) must be in the
// database with the choice sent, and the database must pass SQLite's integrity check. Finally the
// raters finish and all 2,000 votes are there exactly once. Prints acknowledged / in-flight counts.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { makeRun, tempDir } from './fixtures.testkit.ts';
import { openDatabase } from './db.ts';
import { HumanEvalStore } from './store.ts';
import { createPairwiseStudy } from './studies.ts';
import { putVote, spawnServer } from './app.testkit.ts';

const RATERS = 20;
const ITEMS = 100;
const KILLS = 3;
const CHOICES = ['left', 'right', 'tie'] as const;

interface Round {
  acknowledged: number;
  failed: number;
}

/** Every rater votes on its items without a vote yet, until `stopAfter` acknowledgements in total (then SIGKILL) or until done. */
async function round(db: string, raters: { id: number; token: string }[], acked: Map<string, string>, stopAfter: number | null): Promise<Round> {
  const server = await spawnServer(db);
  let acknowledged = 0;
  let failed = 0;
  let killed = false;
  await Promise.all(
    raters.map(async (rater) => {
      const response = await fetch(`${server.url}/api/rater/items`, { headers: { Authorization: `Bearer ${rater.token}` } });
      const { items } = (await response.json()) as { items: { item_id: number; choice: string | null }[] };
      // Raters keep voting after the kill until their own request fails, as real clients would: so
      // the kill always cuts requests off, however fast the in-flight ones were answered before it.
      for (const item of items.filter((i) => i.choice === null)) {
        const choice = CHOICES[(rater.id * 5 + item.item_id) % 3] ?? 'tie';
        const status = await putVote(server.url, rater.token, item.item_id, choice);
        if (status !== 200) {
          failed++;
          return; // the server is gone
        }
        acked.set(`${rater.id}:${item.item_id}`, choice);
        acknowledged++;
        if (stopAfter !== null && acknowledged >= stopAfter && !killed) {
          killed = true;
          server.child.kill('SIGKILL'); // while the other raters' votes are in flight
        }
      }
    }),
  );
  if (!killed) server.child.kill('SIGTERM');
  await server.exited;
  return { acknowledged, failed };
}

function storedVotes(db: string): { votes: Map<string, string>; integrity: string } {
  const store = new HumanEvalStore(openDatabase(db)); // opening replays the WAL, as a restarted server does
  const votes = new Map<string, string>();
  for (const row of store.db.prepare('SELECT rater_id, item_id, choice FROM votes').all() as { rater_id: number; item_id: number; choice: string }[]) {
    votes.set(`${row.rater_id}:${row.item_id}`, row.choice);
  }
  const integrity = store.db.pragma('integrity_check', { simple: true }) as string;
  store.close();
  return { votes, integrity };
}

describe('durability', () => {
  it(`kill -9 during voting (${KILLS}×): every acknowledged vote survives the restart`, async () => {
    const dir = tempDir('durability');
    const db = join(dir, 'he.sqlite');
    const { run } = makeRun(dir, { cases: ITEMS / 2, seeds: 2, baselines: ['base'] });
    const setup = new HumanEvalStore(openDatabase(db));
    const raters = createPairwiseStudy(setup, { run, raters: RATERS }).raters.map((r) => ({ id: r.id, token: r.token }));
    setup.close();

    const acked = new Map<string, string>();
    for (let k = 0; k < KILLS; k++) {
      const r = await round(db, raters, acked, 150 + 97 * k);
      const { votes, integrity } = storedVotes(db);
      const lost = [...acked].filter(([key, choice]) => votes.get(key) !== choice);
      const unacknowledgedButStored = [...votes.keys()].filter((key) => !acked.has(key)).length;
      console.log(
        `durability: kill ${k + 1}: ${r.acknowledged} votes acknowledged in this run, ${r.failed} requests cut off by SIGKILL; ` +
          `after restart ${votes.size} stored, ${acked.size} acknowledged in total, ${lost.length} lost, ${unacknowledgedButStored} stored without acknowledgement (in total)`,
      );
      expect(r.failed).toBeGreaterThan(0); // the kill really happened while votes were arriving
      expect(lost).toEqual([]);
      expect(integrity).toBe('ok');
    }

    // the raters come back and finish; nothing is duplicated
    const last = await round(db, raters, acked, null);
    expect(last.failed).toBe(0);
    const { votes } = storedVotes(db);
    expect(votes.size).toBe(RATERS * ITEMS);
    expect([...acked].filter(([key, choice]) => votes.get(key) !== choice)).toEqual([]);
  });
});
