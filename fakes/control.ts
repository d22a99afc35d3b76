import type { IncomingMessage, ServerResponse } from 'node:http';
import { zFaultSpec } from './config.js';
import type { FakeUpstream } from './upstream.js';

export const CONTROL_PREFIX = '/__lbsim/';

/** Finds an upstream by name (the fleet lets every fake's control API reach its siblings). */
export type UpstreamLookup = (name: string) => FakeUpstream | undefined;

export function isLoopback(address: string | undefined): boolean {
  return (
    address !== undefined &&
    (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'))
  );
}

/**
 * The control API, loopback only:
 *   GET    /__lbsim/state              state, active and pending faults, counters
 *   GET    /__lbsim/counters           requests seen, by outcome
 *   DELETE /__lbsim/counters           zero the counters
 *   POST   /__lbsim/faults             inject a fault now (body: a fault as in `faults:`, no `upstream`)
 *   DELETE /__lbsim/faults             clear every fault, active or pending
 * and the same under /__lbsim/upstreams/{name}/... for any upstream of the same `lbsim fake`.
 */
export function handleControl(
  self: FakeUpstream,
  lookup: UpstreamLookup,
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
): void {
  // Control answers close their connection, so a `down` injected here never cuts its own reply.
  res.shouldKeepAlive = false;
  if (!isLoopback(req.socket.remoteAddress))
    return send(res, 403, { error: 'the control API answers loopback only' });
  let path = (req.url ?? '').slice(CONTROL_PREFIX.length).split('?')[0]!;
  let up: FakeUpstream | undefined = self;
  const m = /^upstreams\/([^/]+)\/(.*)$/.exec(path);
  if (m) {
    up = lookup(decodeURIComponent(m[1]!));
    path = m[2]!;
    if (!up) return send(res, 404, { error: `no upstream named ${JSON.stringify(m[1])}` });
  }
  const route = `${req.method ?? ''} ${path}`;
  switch (route) {
    case 'GET state':
      return send(res, 200, up.state());
    case 'GET counters':
      return send(res, 200, up.counters.toJSON());
    case 'DELETE counters':
      up.counters.reset();
      return send(res, 200, up.counters.toJSON());
    case 'DELETE faults':
      return send(res, 200, { cleared: up.clearFaults() });
    case 'POST faults': {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return send(res, 400, {
          error: 'the body must be a JSON fault, e.g. {"kind":"down","for":"10s"}',
        });
      }
      const parsed = zFaultSpec.safeParse(json);
      if (!parsed.success)
        return send(res, 400, {
          error: parsed.error.issues.map((i) => `${i.path.join('.') || '(fault)'}: ${i.message}`),
        });
      const id = up.injectFault(parsed.data);
      return send(res, 201, { id, state: up.state() });
    }
    default:
      return send(res, 404, {
        error: `unknown control route ${route}; try GET state, GET counters, POST faults, DELETE faults`,
      });
  }
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
