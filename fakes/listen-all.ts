import { UsageError } from '../src/core/errors.js';
import type { FakeServer } from './server.js';

/**
 * Starts every server, or none: on the first failure all are closed again and a UsageError names
 * the port and the upstream ("port 18081 of upstream "primary" is already in use").
 */
export async function listenAll(servers: readonly FakeServer[]): Promise<void> {
  const results = await Promise.allSettled(servers.map((s) => s.listen()));
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed === -1) return;
  await Promise.all(servers.map((s) => s.close()));
  const err = (results[failed] as PromiseRejectedResult).reason as NodeJS.ErrnoException;
  const s = servers[failed]!;
  const why =
    err.code === 'EADDRINUSE'
      ? 'is already in use'
      : `could not be opened (${err.code ?? err.message})`;
  throw new UsageError(`port ${s.port} of upstream "${s.upstream.name}" ${why}`);
}
