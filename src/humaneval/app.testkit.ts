/**
 * Test helpers for the human-eval app: an app over a fresh database in a temp folder with a small
 * request function that speaks JSON with a bearer token (in-process, through hono's `app.request`,
 * so API tests need no port); and the real server as a child process for load and durability tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createApp } from './app.ts';
import { openDatabase } from './db.ts';
import { HumanEvalStore } from './store.ts';
import { tempDir } from './fixtures.testkit.ts';

export const ADMIN = 'admin-token-for-tests-0123456789';

export interface TestApp {
  app: Hono;
  store: HumanEvalStore;
  dir: string;
  // Responses are checked field by field in the tests; a loose type keeps those checks readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request(method: string, path: string, options?: { token?: string | null; body?: unknown; raw?: string; type?: string }): Promise<{ status: number; json: any; text: string; headers: Headers }>;
}

export function testApp(label: string): TestApp {
  const dir = tempDir(label);
  const store = new HumanEvalStore(openDatabase(join(dir, 'he.sqlite')));
  const app = createApp({ store, adminToken: ADMIN });
  return {
    app,
    store,
    dir,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = {};
      const token = options.token === undefined ? ADMIN : options.token;
      if (token !== null) headers.Authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (method === 'GET' || method === 'HEAD') body = undefined; // fetch forbids a body here
      else if (options.raw !== undefined) body = options.raw;
      else if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined) headers['Content-Type'] = options.type ?? 'application/json';
      const response = await app.request(`http://127.0.0.1${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await response.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON (pages, CSV, images)
      }
      return { status: response.status, json, text, headers: response.headers };
    },
  };
}

export interface ChildServer {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/**
 * Start `seer humaneval serve` (the real entry point) as a child process on a free port and wait
 * for its "listening on" line. The admin token is fixed through the environment.
 */
export async function spawnServer(db: string): Promise<ChildServer> {
  const child = spawn(process.execPath, ['bin/seer.mjs', 'humaneval', 'serve', '--db', db, '--port', '0'], {
    cwd: process.cwd(),
    env: { ...process.env, SEER_HUMANEVAL_ADMIN_TOKEN: ADMIN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return { url, child, exited };
}

/** PUT a vote over HTTP; resolves to the status (0 when the connection failed). */
export async function putVote(url: string, token: string, item: number, choice: string): Promise<number> {
  try {
    const response = await fetch(`${url}/api/rater/items/${item}/vote`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ choice }),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
