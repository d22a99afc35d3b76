/**
 * Header forwarding. Hop-by-hop headers (RFC 9110 §7.6.1) never cross the proxy; the length is
 * the gateway's to set on each side; `date` comes from the gateway's own server.
 */
const NOT_FORWARDED: ReadonlySet<string> = new Set([
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
]);

/**
 * The client's headers for the upstream, from node's flat `rawHeaders`. Without `apiKey` the
 * client's Authorization passes through; with it the client's is dropped and the upstream's
 * key is sent instead.
 */
export function upstreamRequestHeaders(
  raw: readonly string[],
  apiKey: string | undefined,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (NOT_FORWARDED.has(lower)) continue;
    if (apiKey !== undefined && lower === 'authorization') continue;
    out.push(name, raw[i + 1]!);
  }
  if (apiKey !== undefined) out.push('authorization', `Bearer ${apiKey}`);
  return out;
}

/** What the gateway reads from an upstream's response headers besides forwarding them. */
export interface ResponseHints {
  retryAfter: string | undefined;
  retryAfterMs: string | undefined;
}

/**
 * The upstream's response headers for the client, as a flat [name, value, ...] list for
 * `writeHead`, from undici's raw Buffers; fills `hints` with the back-off headers on the way.
 */
export function clientResponseHeaders(raw: readonly Buffer[], hints: ResponseHints): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    if (NOT_FORWARDED.has(name)) continue;
    const value = raw[i + 1]!.toString('latin1');
    if (name === 'retry-after') hints.retryAfter = value;
    else if (name === 'retry-after-ms') hints.retryAfterMs = value;
    out.push(name, value);
  }
  return out;
}
