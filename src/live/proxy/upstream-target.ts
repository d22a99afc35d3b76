import { check } from '../../core/assert.js';
import type { Scheduler } from '../../core/clock.js';
import { isFieldText } from '../http1/chars.js';
import { Http1Pool } from '../http1/pool.js';

/** An upstream as the proxy reaches it. */
export interface ProxyUpstream {
  name: string;
  /** The OpenAI base URL, e.g. http://127.0.0.1:8001/v1 (the SDK's `baseURL`). */
  url: string;
  /** Replaces the client's Authorization on the way out; never logged or reported. */
  apiKey?: string | undefined;
  /** Replaces the request body's `model` on the way out (e.g. a larger-context fallback). */
  model?: string | undefined;
}

/** One upstream's connection pool and how paths and bodies are rewritten for it. */
export class UpstreamTarget {
  readonly name: string;
  readonly pool: Http1Pool;
  /** The URL's path without a trailing slash: "/v1" for http://host:port/v1. */
  readonly basePath: string;
  readonly apiKey: string | undefined;
  readonly model: string | undefined;

  constructor(
    u: ProxyUpstream,
    /** Position among all the proxy's upstreams (a fallback group numbers its own from 0). */
    readonly index: number,
    scheduler: Scheduler,
  ) {
    let url: URL;
    try {
      url = new URL(u.url);
    } catch {
      throw new RangeError(`upstreams[${index}].url (${u.name}) is not a valid URL`);
    }
    check(
      url.protocol === 'http:' || url.protocol === 'https:',
      `upstreams[${index}].url`,
      url.protocol,
      'must be http: or https:',
    );
    // Credentials in a URL end up in logs; keys belong in apiKeyEnv. The URL is not echoed.
    if (url.username !== '' || url.password !== '')
      throw new RangeError(
        `upstreams[${index}].url (${u.name}) must not hold credentials; name an apiKeyEnv instead`,
      );
    // The key goes into a header line; a CR or LF in it could forge others. Never echoed.
    if (u.apiKey !== undefined && !isFieldText(u.apiKey))
      throw new RangeError(
        `upstreams[${index}].apiKey (${u.name}) holds characters a header cannot carry`,
      );
    this.name = u.name;
    this.apiKey = u.apiKey;
    this.model = u.model;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.pool = new Http1Pool(url, { scheduler, keepAliveMs: 10_000 });
  }
}
