/**
 * The human-evaluation web app (hono): static pages from src/humaneval/ui/ (no CDN, works offline), the
 * rater API (a rater's bearer token reaches only that rater's items, images and votes) and the
 * admin API (studies, invitations, results, exports; admin bearer token). Every request's params,
 * query and body go through zod; every error is `{ error: { status, message } }`.
 * Run it with `seer humaneval serve`; routes are listed in docs/humaneval.md.
 */
import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError, bearer, errorResponse, parseBody, parseParams, parseQuery, parseWith, sameSecret } from '../core/http.ts';
import { decisions, resultsCsv, studyResults, votesCsv } from './results.ts';
import {
  createStudyBodySchema,
  imageParamsSchema,
  inviteBodySchema,
  itemParamsSchema,
  pairwiseChoiceSchema,
  raterParamsSchema,
  resultsQuerySchema,
  studyParamsSchema,
  verificationChoiceSchema,
  voteBodySchema,
} from './schemas.ts';
import type { HumanEvalStore, Rater, Study } from './store.ts';
import { createPairwiseStudy, createVerificationStudy, raterLink, type CreatedStudy } from './studies.ts';
import { VoteQueue } from './vote-queue.ts';
import { z } from 'zod';

export interface AppOptions {
  store: HumanEvalStore;
  adminToken: string;
}

const QUESTIONS = {
  pairwise: 'Which image better satisfies the instruction while preserving the subject?',
  verification: 'Does the image satisfy the instruction while preserving the subject? Approve only if the details match.',
} as const;

const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'admin.html', type: 'text/html; charset=utf-8' },
  '/rate': { file: 'rate.html', type: 'text/html; charset=utf-8' },
  '/results': { file: 'results.html', type: 'text/html; charset=utf-8' },
  '/ui/common.js': { file: 'common.js', type: 'text/javascript; charset=utf-8' },
  '/ui/admin.js': { file: 'admin.js', type: 'text/javascript; charset=utf-8' },
  '/ui/rate.js': { file: 'rate.js', type: 'text/javascript; charset=utf-8' },
  '/ui/results.js': { file: 'results.js', type: 'text/javascript; charset=utf-8' },
  '/ui/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

const CSP = "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function loadAssets(): Map<string, { body: string; type: string }> {
  const dir = new URL('./ui/', import.meta.url);
  return new Map(Object.entries(ASSETS).map(([path, a]) => [path, { body: readFileSync(new URL(a.file, dir), 'utf8'), type: a.type }]));
}

function origin(c: Context): string {
  return new URL(c.req.url).origin;
}

function createdView(c: Context, created: CreatedStudy) {
  return {
    study: created.study,
    items: created.items,
    skipped: created.skipped,
    raters: created.raters.map((r) => ({ id: r.id, name: r.name, token: r.token, link: raterLink(origin(c), r.token) })),
  };
}

export function createApp({ store, adminToken }: AppOptions): Hono {
  const assets = loadAssets();
  const votes = new VoteQueue(store);
  const app = new Hono();

  app.onError((error, c) => {
    const { status, message } = errorResponse(error);
    if (status >= 500) console.error('humaneval server error:', error);
    if (status === 401) c.header('WWW-Authenticate', 'Bearer');
    return c.json({ error: { status, message } }, status);
  });
  app.notFound((c) => c.json({ error: { status: 404, message: `no route ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404));

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Content-Security-Policy', CSP);
    if (c.req.path.startsWith('/api/')) c.header('Cache-Control', 'no-store');
  });
  app.use('/api/*', bodyLimit({ maxSize: 64 * 1024, onError: () => { throw new ApiError(413, 'request body larger than 64 KiB'); } }));

  for (const [path, asset] of assets) app.get(path, (c) => c.body(asset.body, 200, { 'Content-Type': asset.type }));
  app.get('/api/health', (c) => c.json({ ok: true }));

  // ---- rater API ----
  const raterOf = (c: Context): Rater & { study: Study } => {
    const token = bearer(c);
    if (!token) throw new ApiError(401, 'missing rater token: open your personal rating link (Authorization: Bearer <token>)');
    const rater = store.raterByToken(token);
    if (!rater) throw new ApiError(401, 'unknown rater token: ask the study admin for a new link');
    return rater;
  };
  const itemNotYours = (item: number) => new ApiError(404, `item ${item} is not in your assignment`);

  app.get('/api/rater/session', (c) => {
    const rater = raterOf(c);
    parseQuery(c, z.strictObject({}));
    const kind = rater.study.kind;
    return c.json({
      rater: { id: rater.id, name: rater.name },
      study: { id: rater.study.id, kind, name: rater.study.name },
      question: QUESTIONS[kind],
      choices: kind === 'pairwise' ? pairwiseChoiceSchema.options : verificationChoiceSchema.options,
      progress: store.progress(rater.id),
    });
  });

  app.get('/api/rater/items', (c) => {
    const rater = raterOf(c);
    parseQuery(c, z.strictObject({}));
    return c.json({ items: store.raterItems(rater.id), progress: store.progress(rater.id) });
  });

  app.get('/api/rater/items/:item', (c) => {
    const rater = raterOf(c);
    const { item } = parseParams(c, itemParamsSchema);
    const found = store.raterItems(rater.id).find((i) => i.item_id === item);
    if (!found) throw itemNotYours(item);
    return c.json(found);
  });

  app.get('/api/rater/items/:item/image/:side', (c) => {
    const rater = raterOf(c);
    const { item, side } = parseParams(c, imageParamsSchema);
    const image = store.raterImage(rater.id, item, side);
    if (!image) throw new ApiError(404, `item ${item} has no ${side} image in your assignment`);
    return c.body(new Uint8Array(image.png), 200, { 'Content-Type': 'image/png', 'Cache-Control': 'private, max-age=3600' });
  });

  app.put('/api/rater/items/:item/vote', async (c) => {
    const rater = raterOf(c);
    const { item } = parseParams(c, itemParamsSchema);
    const body = await parseBody(c, voteBodySchema);
    const allowed = rater.study.kind === 'pairwise' ? pairwiseChoiceSchema : verificationChoiceSchema;
    const choice = parseWith(allowed, body.choice, `body.choice (${rater.study.kind} study)`);
    const result = await votes.submit({ raterId: rater.id, itemId: item, choice, ms: body.ms ?? null });
    if (!result) throw itemNotYours(item);
    return c.json({ item_id: item, choice, revisions: result.revisions, progress: store.progress(rater.id) });
  });

  // ---- admin API ----
  app.use('/api/admin/*', async (c, next) => {
    const token = bearer(c);
    if (!token) throw new ApiError(401, 'missing admin token (Authorization: Bearer <admin token>, printed by seer humaneval serve)');
    if (!sameSecret(token, adminToken)) throw new ApiError(403, 'this token is not the admin token');
    await next();
  });

  app.get('/api/admin/server', (c) => {
    parseQuery(c, z.strictObject({}));
    return c.json({ vote_batches: votes.stats, uptime_s: Math.round(process.uptime()) });
  });

  app.get('/api/admin/studies', (c) => {
    parseQuery(c, z.strictObject({}));
    return c.json({ studies: store.listStudies() });
  });

  app.post('/api/admin/studies', async (c) => {
    const body = await parseBody(c, createStudyBodySchema);
    const created =
      body.kind === 'pairwise'
        ? createPairwiseStudy(store, { run: body.run, pairs: body.pairs, vs: body.vs, name: body.name, raters: body.raters, seed: body.seed })
        : createVerificationStudy(store, { candidates: body.candidates, name: body.name, raters: body.raters, seed: body.seed });
    return c.json(createdView(c, created), 201);
  });

  app.get('/api/admin/studies/:study', (c) => {
    const { study } = parseParams(c, studyParamsSchema);
    const found = store.requireStudy(study);
    return c.json({ study: found, items: store.items(study).length, raters: store.raters(study) });
  });

  app.post('/api/admin/studies/:study/raters', async (c) => {
    const { study } = parseParams(c, studyParamsSchema);
    const body = await parseBody(c, inviteBodySchema);
    store.requireStudy(study);
    const invited = store.invite(study, { count: body.count, names: body.names });
    return c.json({ raters: invited.map((r) => ({ id: r.id, name: r.name, token: r.token, link: raterLink(origin(c), r.token) })) }, 201);
  });

  app.post('/api/admin/studies/:study/raters/:rater/token', async (c) => {
    const { study, rater } = parseParams(c, raterParamsSchema);
    await parseBody(c, z.strictObject({}));
    const rotated = store.rotateToken(study, rater);
    return c.json({ id: rotated.id, name: rotated.name, token: rotated.token, link: raterLink(origin(c), rotated.token) });
  });

  const results = (c: Context) => {
    const { study } = parseParams(c, studyParamsSchema);
    const query = parseQuery(c, resultsQuerySchema);
    return studyResults(store, study, { resamples: query.resamples, seed: query.seed });
  };
  app.get('/api/admin/studies/:study/results', (c) => c.json(results(c)));
  app.get('/api/admin/studies/:study/export/results.json', (c) => {
    const r = results(c);
    return c.body(`${JSON.stringify(r, null, 2)}\n`, 200, { 'Content-Type': 'application/json', 'Content-Disposition': `attachment; filename="${r.study.id}-results.json"` });
  });
  app.get('/api/admin/studies/:study/export/results.csv', (c) => {
    const r = results(c);
    return c.body(resultsCsv(r), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${r.study.id}-results.csv"` });
  });
  app.get('/api/admin/studies/:study/export/votes.csv', (c) => {
    const { study } = parseParams(c, studyParamsSchema);
    parseQuery(c, z.strictObject({}));
    return c.body(votesCsv(store, study), 200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${study}-votes.csv"` });
  });
  app.get('/api/admin/studies/:study/export/decisions.jsonl', (c) => {
    const { study } = parseParams(c, studyParamsSchema);
    parseQuery(c, z.strictObject({}));
    const found = store.requireStudy(study);
    if (found.kind !== 'verification') throw new ApiError(409, `study ${study} is a pairwise study; decisions exist only for verification studies`);
    const rows = decisions(store.items(study), store.votes(study));
    return c.body(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''), 200, {
      'Content-Type': 'application/x-ndjson',
      'Content-Disposition': `attachment; filename="${study}-decisions.jsonl"`,
    });
  });

  return app;
}
