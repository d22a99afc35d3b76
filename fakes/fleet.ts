import type { Writable } from 'node:stream';
import { Rng } from '../src/core/rng.js';
import type { FakeFile, FaultSpec } from './config.js';
import type { FakeServerOptions } from './server.js';
import { listenAll } from './listen-all.js';
import { FakeServer } from './server.js';
import type { FakeUpstream } from './upstream.js';

export interface FleetOptions {
  /** Upstreams without a `port:` listen on portBase + their index (default: any free port). */
  portBase?: number;
  log?: Writable;
  onLateness?: FakeServerOptions['onLateness'];
}

/** Every upstream of a file on loopback, with its faults on one timeline that starts now. */
export class Fleet {
  constructor(readonly servers: readonly FakeServer[]) {}

  upstream(name: string): FakeUpstream | undefined {
    return this.servers.find((s) => s.upstream.name === name)?.upstream;
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
  }
}

export function seedOf(file: { seed?: unknown }): string {
  const s = file.seed;
  return typeof s === 'number' || typeof s === 'string' ? String(s) : 'lbsim';
}

/** Starts every fake of the file. A port already in use is a UsageError naming it (nothing is left open). */
export async function startFleet(file: FakeFile, opts: FleetOptions = {}): Promise<Fleet> {
  const rng = new Rng(seedOf(file));
  const servers: FakeServer[] = [];
  const lookup = (name: string): FakeUpstream | undefined =>
    servers.find((s) => s.upstream.name === name)?.upstream;
  file.upstreams.forEach((u, i) => {
    const faults: FaultSpec[] = (file.faults ?? [])
      .filter((f) => f.upstream === u.name)
      .map(({ upstream: _u, ...spec }) => spec as FaultSpec);
    const port = u.port ?? (opts.portBase === undefined ? 0 : opts.portBase + i);
    servers.push(
      new FakeServer(u, {
        port,
        rng,
        faults,
        lookup,
        ...(opts.log ? { log: opts.log } : {}),
        ...(opts.onLateness ? { onLateness: opts.onLateness } : {}),
      }),
    );
  });
  await listenAll(servers);
  return new Fleet(servers);
}
