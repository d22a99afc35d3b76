import type { HeaderMap, Usage } from './plan.js';

/** The bytes an upstream sends, in OpenAI's shapes, built once per upstream and cached. */

const WORDS = [' The', ' fake', ' upstream', ' answers', ' as', ' a', ' provider', ' would.'];
const CACHE_LIMIT = 4096;
const EMPTY = new Uint8Array(0);

export interface Rendered {
  headers: HeaderMap;
  body: Uint8Array;
}

export interface ErrorShape {
  status: number;
  message: string;
  type: string;
  code: string | null;
  param?: string | null;
}

/** The default message, type and code of an error status, as OpenAI (and Anthropic for 529) send them. */
export function errorShape(status: number, code?: string, message?: string): ErrorShape {
  const known = KNOWN_CODES[code ?? ''];
  if (known) return { status, ...known, ...(message ? { message } : {}) };
  const base = STATUS_ERRORS[status] ?? {
    message: `The upstream answered ${status}.`,
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  };
  return { status, ...base, ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

const KNOWN_CODES: Record<string, Omit<ErrorShape, 'status'>> = {
  context_length_exceeded: {
    message:
      "This model's maximum context length is exceeded. Please reduce the length of the messages or completion.",
    type: 'invalid_request_error',
    param: 'messages',
    code: 'context_length_exceeded',
  },
  content_policy_violation: {
    message: 'Your request was rejected as a result of our safety system.',
    type: 'invalid_request_error',
    param: null,
    code: 'content_policy_violation',
  },
  invalid_api_key: {
    message:
      'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
  model_not_found: {
    message: 'The model does not exist or you do not have access to it.',
    type: 'invalid_request_error',
    param: null,
    code: 'model_not_found',
  },
};

const STATUS_ERRORS: Record<number, Omit<ErrorShape, 'status'>> = {
  400: {
    message: 'We could not parse the JSON body of your request.',
    type: 'invalid_request_error',
    code: null,
  },
  401: KNOWN_CODES.invalid_api_key!,
  403: {
    message: 'You are not allowed to sample from this model.',
    type: 'invalid_request_error',
    code: null,
  },
  404: { message: 'Invalid URL.', type: 'invalid_request_error', code: null },
  408: { message: 'Request timed out.', type: 'server_error', code: null },
  429: {
    message: 'Rate limit reached for requests. Please try again later.',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  500: {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
    code: null,
  },
  502: { message: 'Bad gateway.', type: 'server_error', code: null },
  503: {
    message: 'The engine is currently overloaded, please try again later.',
    type: 'server_error',
    code: null,
  },
  504: { message: 'Gateway timeout.', type: 'server_error', code: null },
  529: { message: 'Overloaded', type: 'overloaded_error', code: 'overloaded' },
};

export class Renderer {
  readonly roleChunk: Uint8Array;
  readonly tokenChunks: readonly Uint8Array[];
  readonly finalStop: Uint8Array;
  readonly finalLength: Uint8Array;
  readonly done: Uint8Array;
  readonly malformed: Uint8Array;
  readonly streamHeaders: HeaderMap;
  readonly models: Rendered;
  readonly model: Rendered;
  readonly empty = EMPTY;
  private readonly completions = new Map<number, Rendered>();
  private readonly usageChunks = new Map<number, Uint8Array>();
  private readonly prefix: string;

  constructor(
    readonly modelName: string,
    readonly created: number,
  ) {
    const model = JSON.stringify(modelName);
    this.prefix = `{"id":"chatcmpl-lbsim","object":"chat.completion.chunk","created":${created},"model":${model},`;
    const chunk = (rest: string): Uint8Array => Buffer.from(`data: ${this.prefix}${rest}}\n\n`);
    this.roleChunk = chunk(
      `"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]`,
    );
    this.tokenChunks = WORDS.map((w) =>
      chunk(
        `"choices":[{"index":0,"delta":{"content":${JSON.stringify(w)}},"finish_reason":null}]`,
      ),
    );
    this.finalStop = chunk(`"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]`);
    this.finalLength = chunk(`"choices":[{"index":0,"delta":{},"finish_reason":"length"}]`);
    this.done = Buffer.from('data: [DONE]\n\n');
    this.malformed = Buffer.from(
      'data: {"id":"chatcmpl-lbsim","choices":[{"delta":{"content":"\n\n',
    );
    this.streamHeaders = Object.freeze({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    const modelObject = `{"id":${model},"object":"model","created":${created},"owned_by":"lbsim"}`;
    this.models = json(`{"object":"list","data":[${modelObject}]}`);
    this.model = json(modelObject);
  }

  tokenChunk(i: number): Uint8Array {
    return this.tokenChunks[i % WORDS.length]!;
  }

  /** The non-streaming answer for these token counts (cached). */
  completion(usage: Usage, finish: 'stop' | 'length'): Rendered {
    const key =
      (usage.promptTokens * 1_048_576 + usage.completionTokens) * 2 + (finish === 'length' ? 1 : 0);
    let r = this.completions.get(key);
    if (r === undefined) {
      let content = '';
      for (let i = 0; i < usage.completionTokens; i++) content += WORDS[i % WORDS.length];
      r = json(
        `{"id":"chatcmpl-lbsim","object":"chat.completion","created":${this.created},"model":${JSON.stringify(this.modelName)},` +
          `"choices":[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(content)},"refusal":null},"logprobs":null,"finish_reason":"${finish}"}],` +
          `"usage":${usageJson(usage)}}`,
      );
      if (this.completions.size < CACHE_LIMIT) this.completions.set(key, r);
    }
    return r;
  }

  usageChunk(usage: Usage): Uint8Array {
    const key = usage.promptTokens * 1_048_576 + usage.completionTokens;
    let b = this.usageChunks.get(key);
    if (b === undefined) {
      b = Buffer.from(`data: ${this.prefix}"choices":[],"usage":${usageJson(usage)}}\n\n`);
      if (this.usageChunks.size < CACHE_LIMIT) this.usageChunks.set(key, b);
    }
    return b;
  }
}

function usageJson(u: Usage): string {
  return `{"prompt_tokens":${u.promptTokens},"completion_tokens":${u.completionTokens},"total_tokens":${u.promptTokens + u.completionTokens}}`;
}

export function json(text: string, extra?: Record<string, string>): Rendered {
  const body = Buffer.from(text);
  return {
    body,
    headers: Object.freeze({
      'content-type': 'application/json',
      'content-length': String(body.length),
      ...extra,
    }),
  };
}

export function errorJson(e: ErrorShape, extra?: Record<string, string>): Rendered {
  return json(
    JSON.stringify({
      error: { message: e.message, type: e.type, param: e.param ?? null, code: e.code },
    }),
    extra,
  );
}

/** OpenAI's reset format: "20ms", "1.5s", "6m0s". */
export function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${Math.round(s * 1000) / 1000}s`;
  const m = Math.floor(s / 60);
  return `${m}m${Math.round(s - m * 60)}s`;
}

/** retry-after (whole seconds, rounded up) and retry-after-ms. */
export function retryAfterHeaders(ms: number): Record<string, string> {
  return {
    'retry-after': String(Math.max(1, Math.ceil(ms / 1000))),
    'retry-after-ms': String(Math.ceil(ms)),
  };
}
