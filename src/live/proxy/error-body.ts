import type { Reply } from '../http1/reply.js';

/** Errors the gateway itself produces, in OpenAI's shape so every OpenAI client understands them. */

export interface GatewayErrorSpec {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly message: string;
}

/**
 * Answers with one of the gateway's own errors: OpenAI's shape, an `x-lbsim-error` header with
 * its code, then `extra` headers.
 */
export function writeGatewayError(
  res: Reply,
  spec: GatewayErrorSpec,
  extra: readonly string[] = [],
): void {
  const body = errorJson(spec);
  res.writeHead(spec.status, [
    'content-type',
    'application/json',
    'content-length',
    String(body.length),
    'x-lbsim-error',
    spec.code,
    ...extra,
  ]);
  res.end(body);
}

export function errorJson(spec: GatewayErrorSpec): Buffer {
  return Buffer.from(
    JSON.stringify({ error: { message: spec.message, type: spec.type, code: spec.code } }),
  );
}

/**
 * The in-band end of a stream that broke after bytes reached the client: an SSE event the
 * OpenAI SDKs turn into an APIError, so a cut answer is never mistaken for a complete one.
 */
export function sseErrorEvent(code: string, message: string): Buffer {
  return Buffer.from(
    `data: ${JSON.stringify({ error: { message, type: 'server_error', code } })}\n\n`,
  );
}

export const NOT_FOUND: GatewayErrorSpec = {
  status: 404,
  type: 'invalid_request_error',
  code: 'not_found',
  message: 'The gateway serves the OpenAI API under /v1/.',
};

export const TOO_LARGE: GatewayErrorSpec = {
  status: 413,
  type: 'invalid_request_error',
  code: 'request_too_large',
  message: 'The request body is larger than the gateway accepts.',
};

export const NO_UPSTREAM: GatewayErrorSpec = {
  status: 503,
  type: 'server_error',
  code: 'no_upstream',
  message: 'No upstream is available to serve this request.',
};

export const REJECTED: GatewayErrorSpec = {
  status: 429,
  type: 'rate_limit_error',
  code: 'rate_limit_exceeded',
  message: 'The gateway is receiving too many requests; retry after the time in Retry-After.',
};

export const TIMEOUT: GatewayErrorSpec = {
  status: 504,
  type: 'server_error',
  code: 'upstream_timeout',
  message: 'The upstream did not answer in time.',
};

export const RESET: GatewayErrorSpec = {
  status: 502,
  type: 'server_error',
  code: 'upstream_unreachable',
  message: 'The upstream closed or refused the connection before answering.',
};

export const SHUTTING_DOWN: GatewayErrorSpec = {
  status: 503,
  type: 'server_error',
  code: 'gateway_closing',
  message: 'The gateway is shutting down.',
};
