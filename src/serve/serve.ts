/**
 * Starting `seer serve`: wrap a `UnifiedModel` in the OpenAI-compatible app and listen on
 * 127.0.0.1 (loopback only unless a host is given). Port 0 picks a free port (the tests use it).
 * `serveSeerMini` loads a checkpoint (the shipped base, or a trained one) first.
 */
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SeerError } from '../core/errors.ts';
import type { UnifiedModel } from '../roles/roles.ts';
import { createOpenAIApp, MODES } from './app.ts';

export interface RunningOpenAIServer {
  /** Base URL for clients, ending in /v1. */
  baseUrl: string;
  port: number;
  models: string[];
  close(): Promise<void>;
}

export async function startOpenAIServer(options: { model: UnifiedModel; imageSize: number; name?: string; host?: string; port?: number }): Promise<RunningOpenAIServer> {
  const host = options.host ?? '127.0.0.1';
  const name = options.name ?? options.model.name;
  const app = createOpenAIApp({ model: options.model, name, imageSize: options.imageSize });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s as Server));
    s.once('error', (error: NodeJS.ErrnoException) => reject(new SeerError('io', `cannot listen on ${host}:${options.port ?? 0} (${error.code ?? error.message})`, { cause: error })));
  });
  server.keepAliveTimeout = 5000;
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}/v1`,
    port,
    models: [name, ...MODES.map((m) => `${name}:${m}`)],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function serveSeerMini(options: { checkpoint?: string; name?: string; host?: string; port?: number }): Promise<RunningOpenAIServer> {
  const { loadSeerMini } = await import('../model/checkpoint.ts');
  const { SeerMiniUnified } = await import('../backends/seer-mini/unified.ts');
  const { model } = loadSeerMini(options.checkpoint);
  const unified = new SeerMiniUnified(model, options.name ? { name: options.name } : {});
  return startOpenAIServer({ model: unified, imageSize: unified.imageSize, ...(options.host ? { host: options.host } : {}), ...(options.port === undefined ? {} : { port: options.port }) });
}
