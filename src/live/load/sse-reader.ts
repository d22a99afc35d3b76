/**
 * Reads an OpenAI SSE answer as it arrives: when the first token came, the gaps between tokens,
 * whether it ended cleanly with [DONE], an in-band error event, and the usage chunk.
 */
export class SseReader {
  firstTokenAt: number | null = null;
  private lastTokenAt = 0;
  readonly gaps: number[] = [];
  done = false;
  error = false;
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  private rest = '';

  /** Feeds a chunk of the body received at `now`. */
  push(text: string, now: number): void {
    const all = this.rest + text;
    let start = 0;
    for (;;) {
      const nl = all.indexOf('\n', start);
      if (nl === -1) break;
      const line = all.slice(start, nl).trimEnd();
      start = nl + 1;
      if (line.startsWith('data:')) this.data(line.slice(5).trimStart(), now);
    }
    this.rest = all.slice(start);
  }

  /** A complete answer: [DONE] seen and no error event. */
  get complete(): boolean {
    return this.done && !this.error;
  }

  private data(payload: string, now: number): void {
    if (payload === '[DONE]') {
      this.done = true;
      return;
    }
    let v: unknown;
    try {
      v = JSON.parse(payload);
    } catch {
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const o = v as {
      error?: unknown;
      choices?: { delta?: { content?: unknown } }[];
      usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
    };
    if (o.error !== undefined) {
      this.error = true;
      return;
    }
    const content = o.choices?.[0]?.delta?.content;
    if (typeof content === 'string' && content.length > 0) {
      if (this.firstTokenAt === null) this.firstTokenAt = now;
      else this.gaps.push(now - this.lastTokenAt);
      this.lastTokenAt = now;
    }
    const u = o.usage;
    if (u != null) {
      if (typeof u.prompt_tokens === 'number') this.promptTokens = u.prompt_tokens;
      if (typeof u.completion_tokens === 'number') this.completionTokens = u.completion_tokens;
    }
  }
}

/** Usage of a whole (non-streaming) JSON answer. */
export function usageOf(body: string): { prompt?: number; completion?: number } {
  try {
    const u = (
      JSON.parse(body) as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } }
    ).usage;
    if (u == null) return {};
    return {
      ...(typeof u.prompt_tokens === 'number' ? { prompt: u.prompt_tokens } : {}),
      ...(typeof u.completion_tokens === 'number' ? { completion: u.completion_tokens } : {}),
    };
  } catch {
    return {};
  }
}
