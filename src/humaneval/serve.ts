/**
 * Starting the human-eval server: open the store, build the app, listen on 127.0.0.1 (loopback
 * only unless a host is given explicitly), and close cleanly. The admin token comes from the
 * caller (flag or SEER_HUMANEVAL_ADMIN_TOKEN) or is generated fresh for each start and printed.
 */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SeerError } from '../core/errors.ts';
import { createApp } from './app.ts';
import { openDatabase } from './db.ts';
import { HumanEvalStore, newToken } from './store.ts';

export interface ServeOptions {
  db: string;
  /** 0 picks a free port. */
  port: number;
  host?: string | undefined;
  adminToken?: string | undefined;
}

export interface RunningServer {
  url: string;
  adminUrl: string;
  adminToken: string;
  port: number;
  store: HumanEvalStore;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const adminToken = options.adminToken ?? newToken();
  if (adminToken.length < 16) throw new SeerError('bad_config', 'admin token: use at least 16 characters');
  const store = new HumanEvalStore(openDatabase(options.db));
  const app = createApp({ store, adminToken });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: host }, () => resolve(s as Server));
    s.once('error', (error: NodeJS.ErrnoException) => {
      store.close();
      reject(new SeerError('io', `cannot listen on ${host}:${options.port} (${error.code ?? error.message})`, { cause: error }));
    });
  });
  server.keepAliveTimeout = 5000;
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    adminUrl: `${url}/#admin=${adminToken}`,
    adminToken,
    port,
    store,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          store.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
