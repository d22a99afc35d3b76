import { request } from 'node:http';
import { zUpstream } from '../../fakes/config.js';
import type { UpstreamConfig } from '../../fakes/config.js';

export function upstreamConfig(extra: Record<string, unknown> = {}): UpstreamConfig {
  return zUpstream.parse({ name: 'primary', model: 'fake-model', latency: '1ms', ...extra });
}

export interface RawResult {
  status?: number;
  body?: string;
  error?: string;
}

/** A request over node:http with a fresh connection (no agent), reporting the error code if any. */
export function raw(
  url: string,
  opts: {
    method?: string;
    body?: string;
    headers?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<RawResult> {
  return new Promise((resolve) => {
    let status: number | undefined;
    let got = '';
    const req = request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, agent: false },
      (res) => {
        let body = '';
        status = res.statusCode;
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          got = body;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
        res.on('close', () => {
          if (!res.complete) resolve({ status: res.statusCode, body, error: 'aborted' });
        });
        res.on('error', (err: NodeJS.ErrnoException) =>
          resolve({ status: res.statusCode, body, error: err.code ?? err.message }),
        );
      },
    );
    if (opts.timeoutMs !== undefined)
      req.setTimeout(opts.timeoutMs, () =>
        req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })),
      );
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve(
        status === undefined
          ? { error: err.code ?? err.message }
          : { status, body: got, error: err.code ?? err.message },
      ),
    );
    req.end(opts.body);
  });
}

export const CHAT_BODY = JSON.stringify({
  model: 'any',
  messages: [{ role: 'user', content: 'hello there' }],
});

export function chat(
  url: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<RawResult> {
  return raw(`${url}/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({
      model: 'any',
      messages: [{ role: 'user', content: 'hello there' }],
      ...extra,
    }),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Open handles by type (sockets, servers, timers), to check that close() leaves nothing behind. */
export function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
