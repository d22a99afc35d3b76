import type { AttemptOutcome } from '../../gateway/outcome.js';

const CONNECT_ERROR: AttemptOutcome = Object.freeze({ kind: 'connect-error' });
const RESET: AttemptOutcome = Object.freeze({ kind: 'reset' });
const TRUNCATED: AttemptOutcome = Object.freeze({ kind: 'truncated' });

/** Codes meaning the connection was never made: nothing reached the upstream. */
const CONNECT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'LBSIM_CONNECT_TIMEOUT',
]);

/**
 * What a transport error means for the attempt: refused before connecting → connect-error;
 * reset or closed before a usable answer → reset; broken after bytes reached the client →
 * truncated (the dispatcher never retries those).
 */
export function errorOutcome(err: unknown, committed: boolean): AttemptOutcome {
  if (committed) return TRUNCATED;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECT_CODES.has(code)) return CONNECT_ERROR;
  return RESET;
}
