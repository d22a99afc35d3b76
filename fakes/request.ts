import { hash32 } from '../src/core/rng.js';

/** Which part of the OpenAI API a request is for. */
export type Route = 'chat' | 'models' | 'model' | 'not-found';

/**
 * A request as the model sees it: the transports fill it from HTTP, the simulator directly.
 * Plain data, so the simulator can reuse one object per request class.
 */
export interface FakeRequest {
  route: Route;
  method: string;
  /** For `model` the id asked for; for not-found the path (for the error message). */
  target: string;
  /** The Authorization header as sent, or undefined. */
  authorization: string | undefined;
  /** The body could not be parsed as a JSON object. */
  badBody: boolean;
  stream: boolean;
  includeUsage: boolean;
  promptTokens: number;
  /** max_tokens / max_completion_tokens, or 0 when not given. */
  maxTokens: number;
  /** Identifies retries of the same request (fail-first counts attempts per key). */
  key: string;
}

/** A well-formed chat request, for the simulator and tests. */
export function chatRequest(opts: Partial<FakeRequest> = {}): FakeRequest {
  return {
    route: 'chat',
    method: 'POST',
    target: '/v1/chat/completions',
    authorization: undefined,
    badBody: false,
    stream: false,
    includeUsage: false,
    promptTokens: 10,
    maxTokens: 0,
    key: '',
    ...opts,
  };
}

export function routeOf(method: string, path: string): { route: Route; target: string } {
  const q = path.indexOf('?');
  const p = q === -1 ? path : path.slice(0, q);
  if (p === '/v1/chat/completions' && method === 'POST') return { route: 'chat', target: p };
  if (p === '/v1/models' && (method === 'GET' || method === 'HEAD'))
    return { route: 'models', target: p };
  if (p.startsWith('/v1/models/') && (method === 'GET' || method === 'HEAD'))
    return { route: 'model', target: decodeURIComponent(p.slice('/v1/models/'.length)) };
  return { route: 'not-found', target: `${method} ${p}` };
}

/** Rough token count of a prompt, as providers' tokenizers average out: 4 characters a token. */
function estimateTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 1;
  let chars = 0;
  for (const m of messages) {
    const c = (m as { content?: unknown } | null)?.content;
    if (typeof c === 'string') chars += c.length;
    else if (c !== undefined) chars += JSON.stringify(c).length;
  }
  return Math.max(1, Math.ceil(chars / 4) + 3 * messages.length);
}

/**
 * Builds the FakeRequest of an HTTP request. `key` comes from `idempotency-key` or, failing that,
 * `x-lbsim-key` (a gateway may hash on that one per user) when sent, else from a hash of the body, so a retry of the same body counts as a new attempt.
 */
export function requestFromHttp(
  method: string,
  path: string,
  authorization: string | undefined,
  explicitKey: string | undefined,
  body: string,
): FakeRequest {
  const { route, target } = routeOf(method, path);
  const req: FakeRequest = {
    route,
    method,
    target,
    authorization,
    badBody: false,
    stream: false,
    includeUsage: false,
    promptTokens: 0,
    maxTokens: 0,
    key: explicitKey ?? (body === '' ? target : `b${hash32(body).toString(36)}:${body.length}`),
  };
  if (route !== 'chat') return req;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    req.badBody = true;
    return req;
  }
  const b = parsed as Record<string, unknown>;
  req.stream = b.stream === true;
  const so = b.stream_options as { include_usage?: unknown } | null | undefined;
  req.includeUsage = req.stream && so?.include_usage === true;
  req.promptTokens = estimateTokens(b.messages);
  const max = b.max_completion_tokens ?? b.max_tokens;
  req.maxTokens = typeof max === 'number' && max > 0 ? Math.floor(max) : 0;
  return req;
}
