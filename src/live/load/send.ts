import type { Dispatcher } from 'undici';
import type { Clock } from '../../core/clock.js';
import { classOfNetworkError, classOfStatus } from './classify.js';
import type { PlannedRequest } from './request-mix.js';
import { SseReader, usageOf } from './sse-reader.js';
import type { ClientEnd } from './types.js';

export interface SendContext {
  /** Path of the chat endpoint, e.g. /v1/chat/completions */
  path: string;
  clock: Clock;
  /** Epoch ms of load time 0. */
  t0: number;
  timeoutMs: number;
  signal: AbortSignal;
}

function header(
  h: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Sends one request and reads its whole answer. `from` (epoch ms) is where latency counts from:
 * the intended send time for open-loop load, so a stalled system shows in the latency instead
 * of silently delaying the next sends. Never rejects: every failure is a ClientEnd.
 */
export async function sendRequest(
  ctx: SendContext,
  dispatcher: Dispatcher,
  req: PlannedRequest,
  from: number,
): Promise<ClientEnd> {
  const clock = ctx.clock;
  const end: ClientEnd = {
    k: 'e',
    id: req.id,
    t: 0,
    latencyMs: 0,
    stream: req.stream,
    errorClass: null,
    upstream: undefined,
    attempts: 1,
  };
  let streamStarted = false;
  try {
    const res = await dispatcher.request({
      path: ctx.path,
      method: 'POST',
      headers: req.headers,
      body: req.body,
      signal: ctx.signal,
      headersTimeout: ctx.timeoutMs,
      bodyTimeout: ctx.timeoutMs,
    });
    const h = res.headers;
    end.upstream = header(h, 'x-lbsim-upstream') || undefined;
    const attempts = Number(header(h, 'x-lbsim-attempts'));
    if (attempts > 0) end.attempts = attempts;
    const cls = classOfStatus(res.statusCode, header(h, 'x-lbsim-error'));
    if (cls !== null) {
      await res.body.dump();
      end.errorClass = cls;
    } else if (req.stream) {
      streamStarted = true;
      const sse = new SseReader();
      const decoder = new TextDecoder();
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        sse.push(decoder.decode(chunk, { stream: true }), clock.now());
      }
      if (!sse.complete) end.errorClass = 'truncated';
      if (sse.firstTokenAt !== null) {
        end.ttftMs = sse.firstTokenAt - from;
        end.gapsMs = sse.gaps;
      }
      end.promptTokens = sse.promptTokens;
      end.completionTokens = sse.completionTokens;
    } else {
      const u = usageOf(await res.body.text());
      end.promptTokens = u.prompt;
      end.completionTokens = u.completion;
    }
  } catch (err) {
    end.errorClass = classOfNetworkError(err, streamStarted);
  }
  const now = clock.now();
  end.t = now - ctx.t0;
  end.latencyMs = now - from;
  return end;
}
