// API tests for every route of the human-eval app: pages, admin and rater routes, authorisation
// (no admin action without the admin token; a rater reaches only their own items and votes) and bad
// input (a clear 4xx with a message).
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCandidates, makeRun, png } from './fixtures.testkit.ts';
import { ADMIN, testApp, type TestApp } from './app.testkit.ts';

let t: TestApp;
let run: string;
let study: string;
let raters: { id: number; name: string; token: string; link: string }[];
let verification: string;
let verificationRaters: { id: number; token: string }[];

beforeAll(async () => {
  t = testApp('api');
  run = makeRun(t.dir, { cases: 6, seeds: 2, baselines: ['base', 'bagel'] }).run;
  const created = await t.request('POST', '/api/admin/studies', { body: { kind: 'pairwise', run, vs: ['base'] } });
  expect(created.status).toBe(201);
  study = created.json.study.id;
  raters = created.json.raters;
  const { file } = makeCandidates(t.dir, 9);
  const v = await t.request('POST', '/api/admin/studies', { body: { kind: 'verification', candidates: file, raters: 3 } });
  expect(v.status).toBe(201);
  verification = v.json.study.id;
  verificationRaters = v.json.raters;
});

const rater = (i: number) => {
  const r = raters[i];
  if (!r) throw new Error(`no rater ${i}`);
  return r;
};

describe('pages and assets', () => {
  it('serves the three pages and their assets with a strict CSP and no external URL', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/rate', 'text/html'],
      ['/results', 'text/html'],
      ['/ui/common.js', 'text/javascript'],
      ['/ui/rate.js', 'text/javascript'],
      ['/ui/results.js', 'text/javascript'],
      ['/ui/admin.js', 'text/javascript'],
      ['/ui/style.css', 'text/css'],
    ] as const) {
      const r = await t.request('GET', path, { token: null });
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toContain(type);
      expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(r.text, `${path} must work offline`).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
      expect(r.text).not.toMatch(/@import|cdn\./i);
    }
  });

  it('health answers without a token; unknown routes are a JSON 404', async () => {
    expect((await t.request('GET', '/api/health', { token: null })).json).toEqual({ ok: true });
    const r = await t.request('GET', '/api/nope', { token: null });
    expect(r.status).toBe(404);
    expect(r.json.error.message).toMatch(/no route GET \/api\/nope/);
  });
});

describe('admin authorisation', () => {
  const adminRoutes = (): [string, string][] => [
    ['GET', '/api/admin/server'],
    ['GET', '/api/admin/studies'],
    ['POST', '/api/admin/studies'],
    ['GET', `/api/admin/studies/${study}`],
    ['POST', `/api/admin/studies/${study}/raters`],
    ['POST', `/api/admin/studies/${study}/raters/1/token`],
    ['GET', `/api/admin/studies/${study}/results`],
    ['GET', `/api/admin/studies/${study}/export/results.json`],
    ['GET', `/api/admin/studies/${study}/export/results.csv`],
    ['GET', `/api/admin/studies/${study}/export/votes.csv`],
    ['GET', `/api/admin/studies/${verification}/export/decisions.jsonl`],
  ];

  it('every admin route refuses a missing token (401), a malformed header (401), a rater token and a wrong token (403)', async () => {
    for (const [method, path] of adminRoutes()) {
      const none = await t.request(method, path, { token: null, body: { count: 1 } });
      expect(none.status, `${method} ${path}`).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      expect(none.json.error.message).toMatch(/missing admin token/);
      const response = await t.app.request(`http://127.0.0.1${path}`, { method, headers: { Authorization: 'Basic abc' } });
      expect(response.status).toBe(401);
      expect((await t.request(method, path, { token: rater(0).token })).status, `${method} ${path} with a rater token`).toBe(403);
      const wrong = await t.request(method, path, { token: `${ADMIN}x` });
      expect(wrong.status).toBe(403);
      expect(wrong.json.error.message).toMatch(/not the admin token/);
    }
  });

  it('nothing changed after the refused requests', async () => {
    const r = await t.request('GET', '/api/admin/studies');
    expect(r.json.studies).toHaveLength(2);
    expect(r.json.studies.find((s: { id: string }) => s.id === study).raters).toBe(6);
  });
});

describe('admin: studies', () => {
  it('creates a pairwise study from a run folder with the default six raters and secret links', async () => {
    const r = await t.request('GET', `/api/admin/studies/${study}`);
    expect(r.status).toBe(200);
    expect(r.json.study.kind).toBe('pairwise');
    expect(r.json.items).toBe(12); // 6 cases × 2 seeds, vs base only
    expect(r.json.raters.map((x: { name: string }) => x.name)).toEqual(['rater-1', 'rater-2', 'rater-3', 'rater-4', 'rater-5', 'rater-6']);
    expect(r.json.raters[0]).not.toHaveProperty('token');
    expect(rater(0).link).toBe(`http://127.0.0.1/rate#t=${rater(0).token}`);
    expect(new Set(raters.map((x) => x.token)).size).toBe(6);
  });

  it('creates a pairwise study from any pairs file (paths relative to the file) and takes every baseline by default', async () => {
    const dir = join(t.dir, 'elsewhere');
    mkdirSync(join(dir, 'img'), { recursive: true });
    writeFileSync(join(dir, 'img', 'a.png'), png(1, 1));
    writeFileSync(join(dir, 'img', 'b.png'), png(2, 2));
    const row = { case_id: 'c', instruction: 'i', prompt: 'p', category: 'semantic edit', difficulty: 'simple', split: 'ood', seed: 3, seer_image: 'img/a.png', baseline_image: 'img/b.png' };
    writeFileSync(join(dir, 'p.jsonl'), `${JSON.stringify({ ...row, baseline: 'x' })}\n\n${JSON.stringify({ ...row, baseline: 'y' })}\n`);
    const r = await t.request('POST', '/api/admin/studies', { body: { kind: 'pairwise', pairs: join(dir, 'p.jsonl'), raters: 0, name: 'file study' } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ items: 2, raters: [], study: { name: 'file study' } });
  });

  it('creates a verification study of the candidates that passed the automated check', async () => {
    const r = await t.request('GET', `/api/admin/studies/${verification}`);
    expect(r.json.items).toBe(6); // 9 candidates, every third failed the automated check
    const items = await t.request('GET', '/api/rater/items', { token: verificationRaters[0]?.token ?? '' });
    expect(items.json.items.map((i: { instruction: string }) => i.instruction).sort()).toEqual(
      [0, 1, 3, 4, 6, 7].map((i) => `instruction ${i}`).sort(),
    );
  });

  it('lists studies with progress', async () => {
    const r = await t.request('GET', '/api/admin/studies');
    const s = r.json.studies.find((x: { id: string }) => x.id === study);
    expect(s).toMatchObject({ kind: 'pairwise', items: 12, raters: 6 });
  });

  it('rejects bad study input with a message that says what is wrong', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ kind: 'survey' }, 400, /body\.kind/],
      [{ kind: 'pairwise', run, pairs: 'x.jsonl' }, 400, /exactly one source/],
      [{ kind: 'pairwise' }, 400, /exactly one source/],
      [{ kind: 'pairwise', run: join(t.dir, 'missing') }, 404, /pairs\.jsonl: pairs file not found/],
      [{ kind: 'pairwise', run, vs: ['gpt'] }, 400, /no pairs for baseline\(s\) gpt; the file has: bagel, base/],
      [{ kind: 'pairwise', run, raters: -1 }, 400, /body\.raters/],
      [{ kind: 'pairwise', run, colour: 'red' }, 400, /colour/],
      [{ kind: 'verification' }, 400, /body\.candidates/],
      [{ kind: 'verification', candidates: join(t.dir, 'nope.jsonl') }, 404, /candidates file not found/],
    ];
    for (const [body, status, message] of cases) {
      const r = await t.request('POST', '/api/admin/studies', { body });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.json.error.message).toMatch(message);
      expect(r.json.error.status).toBe(status);
    }
  });

  it('names the file and line of a bad pairs row, a missing image and a non-PNG image', async () => {
    const dir = join(t.dir, 'bad');
    mkdirSync(dir, { recursive: true });
    const good = { case_id: 'c', instruction: 'i', prompt: 'p', category: 'k', difficulty: 'hard', split: 'id', seed: 0, baseline: 'b', seer_image: 'a.png', baseline_image: 'b.png' };
    writeFileSync(join(dir, 'a.png'), png(1, 1));
    writeFileSync(join(dir, 'b.png'), 'not a png');
    const write = (rows: unknown[]) => writeFileSync(join(dir, 'p.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const post = () => t.request('POST', '/api/admin/studies', { body: { kind: 'pairwise', pairs: join(dir, 'p.jsonl') } });
    write([{ ...good, baseline_image: 'a.png' }, { ...good, difficulty: 'medium' }]);
    expect((await post()).json.error.message).toMatch(/p\.jsonl:2: invalid row at "difficulty"/);
    write([{ ...good, baseline_image: 'a.png' }, { ...good, baseline_image: 'a.png' }]);
    expect((await post()).json.error.message).toMatch(/p\.jsonl:2: duplicate pair .* also on line 1/);
    write([{ ...good, baseline_image: 'missing.png' }]);
    const missing = await post();
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toMatch(/p\.jsonl:1: image .*missing\.png not found/);
    write([good]);
    expect((await post()).json.error.message).toMatch(/p\.jsonl:1: image .*b\.png is not a PNG/);
    writeFileSync(join(dir, 'p.jsonl'), '{"case_id": ');
    expect((await post()).json.error.message).toMatch(/p\.jsonl:1: not valid JSON/);
  });

  it('rejects malformed bodies: bad JSON, wrong content type, too large', async () => {
    const badJson = await t.request('POST', '/api/admin/studies', { raw: '{"kind":' });
    expect(badJson.status).toBe(400);
    expect(badJson.json.error.message).toMatch(/body: not valid JSON/);
    const wrongType = await t.request('POST', '/api/admin/studies', { raw: 'kind=pairwise', type: 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
    const large = await t.request('POST', '/api/admin/studies', { raw: JSON.stringify({ kind: 'pairwise', name: 'x'.repeat(70_000) }) });
    expect(large.status).toBe(413);
    expect(large.json.error.message).toMatch(/64 KiB/);
  });

  it('validates study ids and reports unknown studies', async () => {
    const bad = await t.request('GET', '/api/admin/studies/NOT_AN_ID!');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/path\.study/);
    const unknown = await t.request('GET', '/api/admin/studies/no-such-study');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toMatch(/no study "no-such-study"/);
    for (const path of ['results', 'export/votes.csv', 'export/results.csv', 'export/results.json', 'export/decisions.jsonl']) {
      expect((await t.request('GET', `/api/admin/studies/no-such-study/${path}`)).status, path).toBe(404);
    }
  });
});

describe('admin: raters', () => {
  it('invites raters by count or by name, numbering after the existing ones', async () => {
    const byCount = await t.request('POST', `/api/admin/studies/${study}/raters`, { body: { count: 2 } });
    expect(byCount.status).toBe(201);
    expect(byCount.json.raters.map((r: { name: string }) => r.name)).toEqual(['rater-7', 'rater-8']);
    const byName = await t.request('POST', `/api/admin/studies/${study}/raters`, { body: { names: ['alice'] } });
    expect(byName.json.raters[0].name).toBe('alice');
    const session = await t.request('GET', '/api/rater/session', { token: byName.json.raters[0].token });
    expect(session.json.rater.name).toBe('alice');
    const empty = await t.request('POST', `/api/admin/studies/${study}/raters`, {});
    expect(empty.json.raters).toHaveLength(6); // the default, as for a new study
  });

  it('rejects duplicate names, inconsistent counts and unknown studies', async () => {
    const dup = await t.request('POST', `/api/admin/studies/${study}/raters`, { body: { names: ['alice'] } });
    expect(dup.status).toBe(400);
    expect(dup.json.error.message).toMatch(/already has a rater named "alice"/);
    const twice = await t.request('POST', `/api/admin/studies/${study}/raters`, { body: { names: ['bob', 'bob'] } });
    expect(twice.status).toBe(400);
    const mismatch = await t.request('POST', `/api/admin/studies/${study}/raters`, { body: { count: 3, names: ['carol'] } });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json.error.message).toMatch(/either count or names/);
    expect((await t.request('POST', `/api/admin/studies/${study}/raters`, { body: { count: 0 } })).status).toBe(400);
    expect((await t.request('POST', '/api/admin/studies/no-such/raters', { body: { count: 1 } })).status).toBe(404);
  });

  it('rotates a token: the old link stops working, the votes stay', async () => {
    const victim = rater(5);
    const items = await t.request('GET', '/api/rater/items', { token: victim.token });
    const first = items.json.items[0].item_id;
    expect((await t.request('PUT', `/api/rater/items/${first}/vote`, { token: victim.token, body: { choice: 'tie' } })).status).toBe(200);
    const rotated = await t.request('POST', `/api/admin/studies/${study}/raters/${victim.id}/token`);
    expect(rotated.status).toBe(200);
    expect(rotated.json.link).toContain(rotated.json.token);
    const old = await t.request('GET', '/api/rater/session', { token: victim.token });
    expect(old.status).toBe(401);
    expect(old.json.error.message).toMatch(/unknown rater token/);
    const again = await t.request('GET', `/api/rater/items/${first}`, { token: rotated.json.token });
    expect(again.json.choice).toBe('tie');
    victim.token = rotated.json.token;
    expect((await t.request('POST', `/api/admin/studies/${study}/raters/9999/token`)).status).toBe(404);
    // a rater of another study is not found through this study
    expect((await t.request('POST', `/api/admin/studies/${study}/raters/${verificationRaters[0]?.id}/token`)).status).toBe(404);
    expect((await t.request('POST', `/api/admin/studies/${study}/raters/abc/token`)).status).toBe(400);
    expect((await t.request('POST', `/api/admin/studies/${study}/raters/1/token`, { body: { extra: 1 } })).status).toBe(400);
  });
});

describe('rater routes', () => {
  it('session: study, question, choices and progress; never which image is SEER', async () => {
    const r = await t.request('GET', '/api/rater/session', { token: rater(0).token });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      rater: { id: rater(0).id, name: 'rater-1' },
      study: { id: study, kind: 'pairwise' },
      question: 'Which image better satisfies the instruction while preserving the subject?',
      choices: ['left', 'right', 'tie'],
      progress: { done: 0, total: 12 },
    });
    const items = await t.request('GET', '/api/rater/items', { token: rater(0).token });
    expect(JSON.stringify(items.json)).not.toMatch(/seer|baseline|base\b/);
  });

  it('each rater has their own stored order and sides; both sides occur', async () => {
    const orders = await Promise.all([0, 1].map(async (i) => (await t.request('GET', '/api/rater/items', { token: rater(i).token })).json.items.map((x: { item_id: number }) => x.item_id)));
    expect(orders[0]).toHaveLength(12);
    expect(new Set(orders[0]).size).toBe(12);
    expect(orders[0]).not.toEqual(orders[1]);
    const again = (await t.request('GET', '/api/rater/items', { token: rater(0).token })).json.items.map((x: { item_id: number }) => x.item_id);
    expect(again).toEqual(orders[0]);
    // sides: the left image is SEER's for some items and the baseline's for others
    const seerBytes = new Set<string>();
    const pairs = readFileSync(join(run, 'eval', 'pairs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seer_image: string });
    for (const p of pairs) seerBytes.add(readFileSync(join(run, p.seer_image)).toString('base64'));
    let seerLeft = 0;
    for (const item of orders[0]) {
      const left = await t.app.request(`http://127.0.0.1/api/rater/items/${item}/image/left`, { headers: { Authorization: `Bearer ${rater(0).token}` } });
      const right = await t.app.request(`http://127.0.0.1/api/rater/items/${item}/image/right`, { headers: { Authorization: `Bearer ${rater(0).token}` } });
      expect(left.headers.get('content-type')).toBe('image/png');
      const l = Buffer.from(await left.arrayBuffer()).toString('base64');
      const r = Buffer.from(await right.arrayBuffer()).toString('base64');
      expect(seerBytes.has(l) !== seerBytes.has(r)).toBe(true); // exactly one of them is SEER's
      if (seerBytes.has(l)) seerLeft++;
    }
    expect(seerLeft).toBeGreaterThan(0);
    expect(seerLeft).toBeLessThan(12);
  });

  it('item and image routes validate and stay inside the assignment', async () => {
    const token = rater(0).token;
    const mine = (await t.request('GET', '/api/rater/items', { token })).json.items[0];
    const one = await t.request('GET', `/api/rater/items/${mine.item_id}`, { token });
    expect(one.json).toMatchObject({ item_id: mine.item_id, choice: null });
    const foreign = (await t.request('GET', '/api/rater/items', { token: verificationRaters[0]?.token ?? '' })).json.items[0].item_id;
    for (const path of [`/api/rater/items/${foreign}`, `/api/rater/items/${foreign}/image/left`, '/api/rater/items/99999']) {
      const r = await t.request('GET', path, { token });
      expect(r.status, path).toBe(404);
      expect(r.json.error.message).toMatch(/not in your assignment|no left image/);
    }
    expect((await t.request('GET', `/api/rater/items/${mine.item_id}/image/candidate`, { token })).status).toBe(404);
    expect((await t.request('GET', `/api/rater/items/${mine.item_id}/image/top`, { token })).status).toBe(400);
    expect((await t.request('GET', '/api/rater/items/abc', { token })).status).toBe(400);
    expect((await t.request('GET', '/api/rater/items/-3', { token })).status).toBe(400);
    expect((await t.request('GET', '/api/rater/session?x=1', { token })).status).toBe(400);
  });

  it('every rater route needs a valid rater token', async () => {
    const item = (await t.request('GET', '/api/rater/items', { token: rater(0).token })).json.items[0].item_id;
    const routes: [string, string][] = [
      ['GET', '/api/rater/session'],
      ['GET', '/api/rater/items'],
      ['GET', `/api/rater/items/${item}`],
      ['GET', `/api/rater/items/${item}/image/left`],
      ['PUT', `/api/rater/items/${item}/vote`],
    ];
    for (const [method, path] of routes) {
      expect((await t.request(method, path, { token: null, body: { choice: 'left' } })).status, path).toBe(401);
      expect((await t.request(method, path, { token: 'not-a-real-token-123', body: { choice: 'left' } })).status, path).toBe(401);
      // the admin token is not a rater token
      expect((await t.request(method, path, { token: ADMIN, body: { choice: 'left' } })).status, path).toBe(401);
    }
    expect((await t.request('GET', '/api/admin/studies')).json.studies.every((s: { votes: number }) => s.votes <= 1)).toBe(true);
  });

  it('votes: idempotent, changeable with a revision count, progress advances', async () => {
    const token = rater(0).token;
    const item = (await t.request('GET', '/api/rater/items', { token })).json.items[0].item_id;
    const first = await t.request('PUT', `/api/rater/items/${item}/vote`, { token, body: { choice: 'left', ms: 1200 } });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ item_id: item, choice: 'left', revisions: 0, progress: { done: 1, total: 12 } });
    const same = await t.request('PUT', `/api/rater/items/${item}/vote`, { token, body: { choice: 'left' } });
    expect(same.json).toMatchObject({ revisions: 0, progress: { done: 1 } });
    const changed = await t.request('PUT', `/api/rater/items/${item}/vote`, { token, body: { choice: 'right' } });
    expect(changed.json).toMatchObject({ choice: 'right', revisions: 1, progress: { done: 1 } });
    expect((await t.request('GET', `/api/rater/items/${item}`, { token })).json.choice).toBe('right');
  });

  it('votes: bad input is a 400 that names the field', async () => {
    const token = rater(0).token;
    const item = (await t.request('GET', '/api/rater/items', { token })).json.items[1].item_id;
    const cases: [unknown, RegExp][] = [
      [{}, /body\.choice/],
      [{ choice: 'up' }, /body\.choice/],
      [{ choice: 'approve' }, /body\.choice \(pairwise study\)/],
      [{ choice: 'left', ms: -5 }, /body\.ms/],
      [{ choice: 'left', rater: 3 }, /rater/],
      [['left'], /body/],
    ];
    for (const [body, message] of cases) {
      const r = await t.request('PUT', `/api/rater/items/${item}/vote`, { token, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.message).toMatch(message);
    }
    const verifier = verificationRaters[0]?.token ?? '';
    const vItem = (await t.request('GET', '/api/rater/items', { token: verifier })).json.items[0].item_id;
    const wrongKind = await t.request('PUT', `/api/rater/items/${vItem}/vote`, { token: verifier, body: { choice: 'left' } });
    expect(wrongKind.json.error.message).toMatch(/verification study/);
    expect((await t.request('GET', `/api/rater/items/${item}`, { token })).json.choice).toBeNull();
  });

  it("a rater's token can neither read nor change another rater's votes", async () => {
    const a = rater(2).token;
    const b = rater(3).token;
    const item = (await t.request('GET', '/api/rater/items', { token: a })).json.items[0].item_id;
    await t.request('PUT', `/api/rater/items/${item}/vote`, { token: a, body: { choice: 'tie' } });
    // the same item is in B's assignment, but B sees only B's (absent) vote
    expect((await t.request('GET', `/api/rater/items/${item}`, { token: b })).json.choice).toBeNull();
    expect((await t.request('GET', '/api/rater/items', { token: b })).json.items.every((i: { choice: unknown }) => i.choice === null)).toBe(true);
    expect((await t.request('GET', '/api/rater/session', { token: b })).json.progress.done).toBe(0);
    // B's vote on the item is B's own row; A's stays
    await t.request('PUT', `/api/rater/items/${item}/vote`, { token: b, body: { choice: 'left' } });
    expect((await t.request('GET', `/api/rater/items/${item}`, { token: a })).json.choice).toBe('tie');
    expect((await t.request('GET', `/api/rater/items/${item}`, { token: b })).json.choice).toBe('left');
    // and B cannot reach items outside B's study at all
    const foreign = (await t.request('GET', '/api/rater/items', { token: verificationRaters[1]?.token ?? '' })).json.items[0].item_id;
    expect((await t.request('PUT', `/api/rater/items/${foreign}/vote`, { token: b, body: { choice: 'left' } })).status).toBe(404);
  });
});

describe('server stats', () => {
  it('reports how votes were batched into transactions', async () => {
    const r = await t.request('GET', '/api/admin/server');
    expect(r.status).toBe(200);
    expect(r.json.vote_batches.votes).toBeGreaterThan(0);
    expect(r.json.vote_batches.batches).toBeGreaterThan(0);
    expect((await t.request('GET', '/api/admin/server?x=1')).status).toBe(400);
  });
});

describe('results and exports routes', () => {
  it('results JSON, results CSV, votes CSV, and decisions only for verification studies', async () => {
    const results = await t.request('GET', `/api/admin/studies/${study}/results?resamples=200&seed=4`);
    expect(results.status).toBe(200);
    expect(results.json.kind).toBe('pairwise');
    expect(results.json.baselines.map((b: { baseline: string }) => b.baseline)).toEqual(['base']);
    const exported = await t.request('GET', `/api/admin/studies/${study}/export/results.json?resamples=200&seed=4`);
    expect(exported.headers.get('content-disposition')).toContain('attachment');
    expect(exported.json).toEqual(results.json);
    const csv = await t.request('GET', `/api/admin/studies/${study}/export/results.csv`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.trim().split('\n')).toHaveLength(1 + 9);
    const votes = await t.request('GET', `/api/admin/studies/${study}/export/votes.csv`);
    expect(votes.text.trim().split('\n')).toHaveLength(1 + results.json.votes);
    expect(votes.text.split('\n')[0]).toMatch(/^rater_id,rater,item_id,case_id/);
    const decisions = await t.request('GET', `/api/admin/studies/${study}/export/decisions.jsonl`);
    expect(decisions.status).toBe(409);
    expect(decisions.json.error.message).toMatch(/pairwise study/);
    expect((await t.request('GET', `/api/admin/studies/${study}/results?resamples=5`)).status).toBe(400);
    expect((await t.request('GET', `/api/admin/studies/${study}/results?colour=1`)).status).toBe(400);
    expect((await t.request('GET', `/api/admin/studies/${study}/export/votes.csv?x=1`)).status).toBe(400);
  });
});
