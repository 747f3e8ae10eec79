// End to end in real headless Chromium (Debian `chromium` + playwright-core): a rater opens their
// link, votes by mouse and by keyboard, reloads (the page resumes at the first item without a
// vote and shows stored votes), finishes; then the admin page and the results page show the study.
// Every request the pages make must go to the local server (the app works offline), and the pages
// must log no errors (including CSP violations).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeCandidates, makeRun, tempDir } from './fixtures.testkit.ts';
import { startServer, type RunningServer } from './serve.ts';
import { createPairwiseStudy, createVerificationStudy } from './studies.ts';
import type { PairwiseResults } from './results.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let server: RunningServer;
let browser: Browser;
let studyId: string;
let token: string;
let raterId: number;
let verifier: { id: number; token: string; study: string };

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const dir = tempDir('e2e');
  server = await startServer({ db: join(dir, 'he.sqlite'), port: 0 });
  const { run } = makeRun(dir, { cases: 4, baselines: ['base'] });
  const created = createPairwiseStudy(server.store, { run, raters: 2, seed: 11 });
  studyId = created.study.id;
  token = created.raters[0]?.token ?? '';
  raterId = created.raters[0]?.id ?? 0;
  const verification = createVerificationStudy(server.store, { candidates: makeCandidates(dir, 3).file, raters: 1 });
  verifier = { id: verification.raters[0]?.id ?? 0, token: verification.raters[0]?.token ?? '', study: verification.study.id };
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === server.url || url.protocol === 'blob:' || url.protocol === 'data:') return route.continue();
    problems.push(`external request: ${url.href}`);
    return route.abort();
  });
  return { page, problems };
}

async function currentItem(page: Page): Promise<number> {
  await page.waitForSelector('#item[data-ready="true"]');
  return Number(await page.getAttribute('#item', 'data-item-id'));
}

async function nextItem(page: Page, previous: number): Promise<number> {
  await page.waitForSelector(`#item[data-ready="true"]:not([data-item-id="${previous}"])`);
  return currentItem(page);
}

describe('rater page and results page in Chromium', () => {
  it('votes by mouse and keyboard, resumes after a reload, and the results page shows the outcome', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${server.url}/rate#t=${token}`);
    const votes: [number, string][] = [];

    const first = await currentItem(page);
    expect(await page.textContent('#progress')).toBe('0 / 4 done');
    expect(await page.textContent('#question')).toMatch(/better satisfies the instruction while preserving the subject/);
    expect(await page.textContent('#instruction')).toMatch(/^Make it look like instruction \d <b>&amp;<\/b>$/); // shown as text, not HTML
    const leftImage = await page.$eval('#left img', (img) => (img as unknown as { naturalWidth: number }).naturalWidth);
    expect(leftImage).toBe(32);
    await page.click('#left'); // mouse
    votes.push([first, 'left']);

    const second = await nextItem(page, first);
    expect(await page.textContent('#progress')).toBe('1 / 4 done');
    await page.keyboard.press('ArrowRight'); // keyboard
    votes.push([second, 'right']);

    const third = await nextItem(page, second);
    await page.keyboard.press('t');
    votes.push([third, 't']);
    const fourth = await nextItem(page, third);
    expect(await page.textContent('#progress')).toBe('3 / 4 done');

    await page.reload();
    expect(await currentItem(page)).toBe(fourth); // resumes at the first item without a vote
    expect(await page.textContent('#progress')).toBe('3 / 4 done');
    await page.keyboard.press('[');
    expect(await nextItem(page, fourth)).toBe(third);
    await page.waitForSelector('#tie.selected'); // the stored vote is shown
    await page.keyboard.press(']');
    expect(await nextItem(page, third)).toBe(fourth);
    await page.keyboard.press('1');
    votes.push([fourth, 'left']);
    await page.waitForSelector('#done:not([hidden])');
    expect(await page.textContent('#progress')).toBe('4 / 4 done');

    const stored = new Map(server.store.votes(studyId).filter((v) => v.rater_id === raterId).map((v) => [v.item_id, v.choice]));
    expect(stored).toEqual(new Map(votes.map(([item, key]) => [item, key === 't' ? 'tie' : key])));

    // admin page lists the study with its votes; results page shows the win ratio the API computes
    await page.goto(`${server.url}/#admin=${server.adminToken}`);
    await page.waitForSelector(`tr[data-study="${studyId}"]`);
    expect(await page.textContent(`tr[data-study="${studyId}"]`)).toContain('4 / 8');
    await page.click(`tr[data-study="${studyId}"] a`);
    await page.waitForSelector('#results[data-ready="true"]');
    const api = (await (await fetch(`${server.url}/api/admin/studies/${studyId}/results`, { headers: { Authorization: `Bearer ${server.adminToken}` } })).json()) as PairwiseResults;
    expect(await page.textContent('[data-baseline="base"] .win-ratio')).toBe(api.baselines[0]?.win_ratio.toFixed(3));
    expect(await page.textContent('[data-baseline="base"]')).toContain('rater-1');
    expect(await page.textContent('#summary')).toContain('rater-1 4/4');

    // a wrong link explains itself
    await page.goto(`${server.url}/rate#t=not-a-valid-token-123`);
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toMatch(/unknown rater token/);
    await page.close();
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
  });

  it('sparse verification: approve by key, reject by mouse, decisions follow', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${server.url}/rate#t=${verifier.token}`);
    const first = await currentItem(page);
    expect(await page.textContent('#progress')).toBe('0 / 2 done');
    await page.keyboard.press('a');
    const second = await nextItem(page, first);
    await page.click('#reject');
    await page.waitForSelector('#done:not([hidden])');
    const stored = new Map(server.store.votes(verifier.study).map((v) => [v.item_id, v.choice]));
    expect(stored).toEqual(new Map([[first, 'approve'], [second, 'reject']]));
    await page.goto(`${server.url}/results#admin=${server.adminToken}&study=${verifier.study}`);
    await page.waitForSelector('#results[data-ready="true"]');
    expect(await page.textContent('#results')).toMatch(/1 approved, 1 rejected/);
    expect(await page.isVisible('#export-decisions')).toBe(true);
    await page.close();
    expect(problems).toEqual([]);
  });
});
