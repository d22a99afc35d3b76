import { Client } from 'undici';

/**
 * One connection per request in flight. undici's Pool hands requests made in the same tick to
 * the same connecting client, where they wait in line (pipelining 1): a burst of sends would
 * then measure the generator's queue, not the system under test. Here a request takes an idle
 * connection or opens a new one.
 */
export class IdleClients {
  private readonly idle: Client[] = [];
  private readonly all = new Set<Client>();

  constructor(private readonly origin: string) {}

  acquire(): Client {
    const c = this.idle.pop();
    if (c !== undefined && !c.destroyed && !c.closed) return c;
    const fresh = new Client(this.origin, {
      pipelining: 1,
      keepAliveTimeout: 10_000,
      connect: { noDelay: true },
    });
    this.all.add(fresh);
    return fresh;
  }

  release(c: Client): void {
    if (c.destroyed || c.closed) this.all.delete(c);
    else this.idle.push(c);
  }

  async destroy(): Promise<void> {
    const all = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(all.map((c) => c.destroy()));
  }
}
