// Load test: 50 raters vote concurrently on a 200-item study through the real server (a child
// process started with `seer humaneval serve`), 200 votes each. About one vote in ten is sent twice
// (once concurrently with itself, once again after the answer), as retrying browsers do. Asserts:
// all 10,000 votes acknowledged and stored, exactly one row per rater × item, every stored choice is
// the one sent, no revision counted for a repeated identical vote, and every rater at 200/200.
// Prints throughput and latency percentiles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeRun, tempDir } from './fixtures.testkit.ts';
import { openDatabase } from './db.ts';
import { HumanEvalStore } from './store.ts';
import { createPairwiseStudy } from './studies.ts';
import { ADMIN, putVote, spawnServer, type ChildServer } from './app.testkit.ts';

const RATERS = 50;
const ITEMS = 200;
const CHOICES = ['left', 'right', 'tie'] as const;

let server: ChildServer;
let db: string;
let study: string;
let tokens: { id: number; token: string }[];

beforeAll(async () => {
  const dir = tempDir('load');
  db = join(dir, 'he.sqlite');
  const { run } = makeRun(dir, { cases: ITEMS / 2, seeds: 2, baselines: ['base'] });
  const store = new HumanEvalStore(openDatabase(db));
  const created = createPairwiseStudy(store, { run, raters: RATERS, seed: 5 });
  study = created.study.id;
  tokens = created.raters.map((r) => ({ id: r.id, token: r.token }));
  store.close();
  server = await spawnServer(db);
});

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
});

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

describe('load', () => {
  it(`${RATERS} concurrent raters × ${ITEMS} votes → ${RATERS * ITEMS} stored, none duplicated`, async () => {
    const sent = new Map<string, string>();
    const latencies: number[] = [];
    let acknowledged = 0;
    let failures = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const timed = async (rater: { token: string }, item: number, choice: string) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const t0 = performance.now();
      const status = await putVote(server.url, rater.token, item, choice);
      latencies.push(performance.now() - t0);
      inFlight--;
      return status;
    };
    const started = performance.now();
    await Promise.all(
      tokens.map(async (rater, r) => {
        const response = await fetch(`${server.url}/api/rater/items`, { headers: { Authorization: `Bearer ${rater.token}` } });
        const { items } = (await response.json()) as { items: { item_id: number }[] };
        expect(items).toHaveLength(ITEMS);
        for (const [k, { item_id }] of items.entries()) {
          const choice = CHOICES[(r * 7 + k) % 3] ?? 'tie';
          sent.set(`${rater.id}:${item_id}`, choice);
          const repeat = k % 10 === 3;
          const statuses = await Promise.all(repeat ? [timed(rater, item_id, choice), timed(rater, item_id, choice)] : [timed(rater, item_id, choice)]);
          if (repeat) statuses.push(await timed(rater, item_id, choice));
          if (statuses.every((s) => s === 200)) acknowledged++;
          else failures++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const requests = latencies.length;
    console.log(
      `load: ${RATERS} raters × ${ITEMS} votes (+${requests - RATERS * ITEMS} repeats) = ${requests} PUTs in ${seconds.toFixed(1)} s ` +
        `→ ${(requests / seconds).toFixed(0)} req/s; latency p50 ${percentile(latencies, 0.5).toFixed(1)} ms, ` +
        `p95 ${percentile(latencies, 0.95).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms, max ${(latencies.at(-1) ?? 0).toFixed(1)} ms; ` +
        `max in flight ${maxInFlight}`,
    );
    expect(failures).toBe(0);
    expect(acknowledged).toBe(RATERS * ITEMS);
    expect(maxInFlight).toBeGreaterThanOrEqual(RATERS); // the raters really were concurrent

    // what the database holds (read-only while the server runs: WAL allows it)
    const check = new Database(db, { readonly: true });
    const counts = check
      .prepare(
        `SELECT COUNT(*) AS rows, COUNT(DISTINCT v.rater_id || ':' || v.item_id) AS pairs, SUM(v.revisions) AS revisions
         FROM votes v JOIN raters r ON r.id = v.rater_id WHERE r.study_id = ?`,
      )
      .get(study) as { rows: number; pairs: number; revisions: number };
    expect(counts).toEqual({ rows: RATERS * ITEMS, pairs: RATERS * ITEMS, revisions: 0 });
    const stored = check.prepare('SELECT rater_id, item_id, choice FROM votes').all() as { rater_id: number; item_id: number; choice: string }[];
    const mismatched = stored.filter((v) => sent.get(`${v.rater_id}:${v.item_id}`) !== v.choice);
    expect(mismatched).toEqual([]);
    check.close();

    // and what the admin sees
    const details = (await (await fetch(`${server.url}/api/admin/studies/${study}`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json()) as { raters: { done: number; total: number }[] };
    expect(details.raters.every((r) => r.done === ITEMS && r.total === ITEMS)).toBe(true);
    const csv = await (await fetch(`${server.url}/api/admin/studies/${study}/export/votes.csv`, { headers: { Authorization: `Bearer ${ADMIN}` } })).text();
    expect(csv.trim().split('\n')).toHaveLength(1 + RATERS * ITEMS);
    const stats = (await (await fetch(`${server.url}/api/admin/server`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json()) as { vote_batches: { batches: number; votes: number; largest: number } };
    const b = stats.vote_batches;
    console.log(`load: ${b.votes} votes written in ${b.batches} transactions (mean ${(b.votes / b.batches).toFixed(1)}, largest ${b.largest})`);
    expect(b.votes).toBe(requests);
  });
});
