import type { ErrorClass } from '../../gateway/outcome.js';

/** The lbsim proxy names its own errors in x-lbsim-error. */
const GATEWAY_CODES: Readonly<Record<string, ErrorClass>> = {
  rate_limit_exceeded: 'rejected',
  no_upstream: 'no-upstream',
  upstream_timeout: 'timeout',
  upstream_unreachable: 'reset',
  gateway_closing: 'aborted',
};

/** The class of a client-visible HTTP answer, or null for success. */
export function classOfStatus(status: number, gatewayCode: string | undefined): ErrorClass | null {
  if (status >= 200 && status < 300) return null;
  const own = gatewayCode === undefined ? undefined : GATEWAY_CODES[gatewayCode];
  if (own !== undefined) return own;
  if (status === 429) return '429';
  if (status === 408 || status === 504) return 'timeout';
  return status >= 500 ? '5xx' : '4xx';
}

/** The class of a request that failed below HTTP (no complete answer). */
export function classOfNetworkError(err: unknown, streamStarted: boolean): ErrorClass {
  const code = (err as { code?: unknown } | null)?.code;
  const name = (err as { name?: unknown } | null)?.name;
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'ETIMEDOUT' ||
    name === 'TimeoutError'
  )
    return 'timeout';
  if (name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED') return 'aborted';
  // A stream that had begun and then broke is a cut answer; anything else never arrived.
  return streamStarted ? 'truncated' : 'reset';
}
