import { equalsLower, trimOws } from '../http1/chars.js';
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
const CONNECTION = new HeaderNames(['connection']);
const BACKOFF_AND_CONNECTION = new HeaderNames(['retry-after', 'retry-after-ms', 'connection']);

const picked: string[] = [];

/**
 * Header names a `connection` header lists besides close and keep-alive: hop-by-hop by
 * declaration (RFC 9110 §7.6.1), so they stay behind too. Null when there are none (the usual).
 */
function declaredHopByHop(values: readonly string[]): string[] | null {
  let out: string[] | null = null;
  for (let i = 0; i < values.length; i += 2) {
    if (values[i] !== 'connection') continue;
    const v = values[i + 1]!;
    // The usual values, without splitting.
    if (v.length === 10 && equalsLower(v, 0, 'keep-alive')) continue;
    if (v.length === 5 && equalsLower(v, 0, 'close')) continue;
    for (const t of v.toLowerCase().split(',')) {
      const name = trimOws(t);
      if (name !== '' && name !== 'close' && name !== 'keep-alive') (out ??= []).push(name);
    }
  }
  return out;
}

/**
 * `fields` less `drop` and less the lines its connection header names (then `also` stays behind
 * with them). The values of `pick`, which must include connection, land in `picked`.
 */
function forwardable(
  fields: string,
  drop: HeaderNames,
  pick: HeaderNames,
  also: readonly string[],
): string {
  picked.length = 0;
  const out = filterFields(fields, drop, pick, picked);
  const declared = declaredHopByHop(picked);
  if (declared === null) return out;
  return filterFields(
    out,
    new HeaderNames([...NOT_FORWARDED_NAMES, ...also, ...declared]),
    null,
    null,
  );
}

/**
 * The client's header lines for the upstream. Without `apiKey` the client's Authorization
 * passes through; with it the client's is dropped and the upstream's key is sent instead.
 */
export function upstreamRequestFields(fields: string, apiKey: string | undefined): string {
  if (apiKey === undefined) return forwardable(fields, NOT_FORWARDED, CONNECTION, []);
  return `${forwardable(fields, NOT_FORWARDED_KEYED, CONNECTION, ['authorization'])}authorization: Bearer ${apiKey}\r\n`;
}

/** What the gateway reads from an upstream's response headers besides forwarding them. */
export interface ResponseHints {
  retryAfter: string | undefined;
  retryAfterMs: string | undefined;
}

/**
 * The upstream's response header lines for the client; fills `hints` with the back-off headers
 * on the way.
 */
export function clientResponseFields(fields: string, hints: ResponseHints): string {
  const out = forwardable(fields, NOT_FORWARDED, BACKOFF_AND_CONNECTION, []);
  for (let i = 0; i < picked.length; i += 2) {
    if (picked[i] === 'retry-after') hints.retryAfter ??= picked[i + 1];
    else if (picked[i] === 'retry-after-ms') hints.retryAfterMs ??= picked[i + 1];
  }
  return out;
}
