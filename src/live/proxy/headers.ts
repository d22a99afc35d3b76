import { filterFields, HeaderNames } from '../http1/header-names.js';

/**
 * Header forwarding. Hop-by-hop headers (RFC 9110 §7.6.1) never cross the proxy; the length is
 * the gateway's to set on each side; `date` comes from the gateway's own server.
 */
const NOT_FORWARDED_NAMES = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'date',
  'expect',
];
const NOT_FORWARDED = new HeaderNames(NOT_FORWARDED_NAMES);
/** With an upstream key of the gateway's own, the client's key stays behind too. */
const NOT_FORWARDED_KEYED = new HeaderNames([...NOT_FORWARDED_NAMES, 'authorization']);
const BACKOFF = new HeaderNames(['retry-after', 'retry-after-ms']);

/**
 * The client's header lines for the upstream. Without `apiKey` the client's Authorization
 * passes through; with it the client's is dropped and the upstream's key is sent instead.
 */
export function upstreamRequestFields(fields: string, apiKey: string | undefined): string {
  if (apiKey === undefined) return filterFields(fields, NOT_FORWARDED, null, null);
  return `${filterFields(fields, NOT_FORWARDED_KEYED, null, null)}authorization: Bearer ${apiKey}\r\n`;
}

/** What the gateway reads from an upstream's response headers besides forwarding them. */
export interface ResponseHints {
  retryAfter: string | undefined;
  retryAfterMs: string | undefined;
}

const picked: string[] = [];

/**
 * The upstream's response header lines for the client; fills `hints` with the back-off headers
 * on the way.
 */
export function clientResponseFields(fields: string, hints: ResponseHints): string {
  picked.length = 0;
  const out = filterFields(fields, NOT_FORWARDED, BACKOFF, picked);
  for (let i = 0; i < picked.length; i += 2) {
    if (picked[i] === 'retry-after') hints.retryAfter ??= picked[i + 1];
    else hints.retryAfterMs ??= picked[i + 1];
  }
  return out;
}
