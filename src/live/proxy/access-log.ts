import type { RequestResult } from '../../gateway/request.js';

/**
 * One line of the gateway's access log, written when a client request ends. Nothing a client or
 * an upstream could hide a secret in is kept: no header but the hash key, no query string.
 */
export interface AccessLogEntry {
  /** ms since the proxy started. */
  t: number;
  id: number;
  method: string;
  /** The path without its query (queries can carry keys). */
  path: string;
  /** What the client got; 499 (nginx's "client closed request") when nothing was sent. */
  status: number;
  /** "ok" or the error class (a stream can be 200 and "truncated"). */
  result: string;
  /** The upstream of the last attempt, or null when none was made. */
  upstream: string | null;
  attempts: number;
  /** From the request's arrival to its end, ms. */
  ms: number;
  stream: boolean;
  /** The `x-lbsim-key` (consistent-hash key) the client sent, or null. */
  key: string | null;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

/** The entry for an exchange the gateway ended with `result`; `t` counts from `startedAt`. */
export function accessEntry(
  ex: {
    id: number;
    method: string;
    subPath: string;
    stream: boolean;
    key: string | undefined;
    sentStatus: number;
  },
  result: RequestResult,
  upstreamName: (i: number) => string,
  startedAt: number,
): AccessLogEntry {
  const q = ex.subPath.indexOf('?');
  return {
    t: round(result.endedAt - startedAt),
    id: ex.id,
    method: ex.method,
    path: `/v1${q < 0 ? ex.subPath : ex.subPath.slice(0, q)}`,
    status: ex.sentStatus === 0 ? 499 : ex.sentStatus,
    result: result.ok ? 'ok' : (result.errorClass ?? 'error'),
    upstream: result.upstream < 0 ? null : upstreamName(result.upstream),
    attempts: result.attempts,
    ms: round(result.endedAt - result.startedAt),
    stream: ex.stream,
    key: ex.key ?? null,
  };
}
