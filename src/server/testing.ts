/**
 * Test helpers for the human-eval app: an app over a fresh database in a temp folder, and a
 * small request function that speaks JSON with a bearer token (in-process, through hono's
 * `app.request`, so API tests need no port).
 */
import { join } from 'node:path';
import type { Hono } from 'hono';
import { createApp } from './app.ts';
import { openDatabase } from './db.ts';
import { HumanEvalStore } from './store.ts';
import { tempDir } from './fixtures.ts';

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
