import type { Probe } from '../../gateway/health/active-checker.js';
import type { ResponseHandler } from '../http1/pool.js';
import type { UpstreamTarget } from './upstream-target.js';

export interface ProbeSpec {
  method: 'HEAD' | 'GET';
  /**
   * An absolute path such as "/v1/models". When the upstream's URL has a base path ending in
   * /v1 (http://host/openai/v1), a leading /v1 is replaced by it (/openai/v1/models).
   */
  path: string;
}

/** nginx counts 2xx and 3xx as alive. */
const alive = (status: number): boolean => status >= 200 && status < 400;

const CANCELLED = Object.assign(new Error('health probe cancelled'), { code: 'LBSIM_ABORTED' });

/** One probe request; the body, if any, is read and dropped so the connection is reused. */
class ProbeRequest implements ResponseHandler {
  private abortFn: ((err: Error) => void) | null = null;
  private over = false;
  private status = 0;

  constructor(private readonly done: (ok: boolean) => void) {}

  readonly cancel = (): void => {
    if (this.over) return;
    this.over = true;
    this.abortFn?.(CANCELLED);
    this.abortFn = null;
  };

  onConnect(abort: (err: Error) => void): void {
    if (this.over) abort(CANCELLED);
    else this.abortFn = abort;
  }

  onHeaders(status: number): void {
    this.status = status;
  }

  onData(): void {}

  onComplete(): void {
    if (this.over) return;
    this.over = true;
    this.abortFn = null;
    this.done(alive(this.status));
  }

  onError(): void {
    if (this.over) return;
    this.over = true;
    this.abortFn = null;
    this.done(false);
  }
}

/**
 * The core's active health Probe as real requests (HEAD /v1/models by default) through each
 * upstream's pool. The checker owns the timeout and cancels a probe that runs over.
 */
export function httpProbe(targets: readonly UpstreamTarget[], spec: ProbeSpec): Probe {
  return (upstream, done) => {
    const t = targets[upstream]!;
    const p = new ProbeRequest(done);
    const fields = t.apiKey === undefined ? '' : `authorization: Bearer ${t.apiKey}\r\n`;
    try {
      t.pool.dispatch(
        { path: probePath(t.basePath, spec.path), method: spec.method, fields, body: null },
        p,
      );
    } catch {
      p.onError();
    }
    return p;
  };
}

export function probePath(basePath: string, path: string): string {
  if (basePath.endsWith('/v1') && (path === '/v1' || path.startsWith('/v1/')))
    return basePath + path.slice(3);
  return path;
}
