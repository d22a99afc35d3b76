import { check, checkNonNegative } from '../../src/core/assert.js';
import type { Plan, RespondPlan } from '../plan.js';
import { errorJson, errorShape, retryAfterHeaders } from '../render.js';
import type { Behaviour, DecideContext } from './behaviour.js';

/** A finished error answer in OpenAI's shape, built once and shared. */
export function errorPlan(
  status: number,
  code?: string,
  message?: string,
  retryAfterMs?: number,
  extraHeaders?: Record<string, string>,
): RespondPlan {
  check(
    Number.isInteger(status) && status >= 400 && status <= 599,
    'status',
    status,
    'must be an HTTP error status (400..599)',
  );
  if (retryAfterMs !== undefined) checkNonNegative('retryAfter', retryAfterMs);
  const shape = errorShape(status, code, message);
  const extra = {
    ...(retryAfterMs === undefined ? {} : retryAfterHeaders(retryAfterMs)),
    ...extraHeaders,
  };
  const { body, headers } = errorJson(shape, extra);
  return Object.freeze({
    kind: 'respond',
    status,
    headers,
    body,
    serviceMs: 0,
    code: shape.code,
    usage: null,
  });
}

/** Answers with an error (chosen status, provider code) on the API routes. */
export class ErrorInjection implements Behaviour {
  readonly stage = 'error';
  readonly name = 'error';
  private readonly plan: RespondPlan;
  constructor(status: number, code?: string, message?: string, retryAfterMs?: number) {
    this.plan = errorPlan(status, code, message, retryAfterMs);
  }
  decide(ctx: DecideContext): Plan | null {
    return ctx.req.route === 'not-found' ? null : this.plan;
  }
}
