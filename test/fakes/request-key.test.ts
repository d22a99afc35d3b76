import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zUpstream } from '../../fakes/config.js';
import { mswFake } from '../../fakes/msw.js';
import { startFakeServer } from '../../fakes/server.js';
import { Rng } from '../../src/core/rng.js';

const config = zUpstream.parse({ name: 'u', latency: '1ms' });
const faults = [{ kind: 'fail-first' as const, attempts: 1, status: 502 }];
const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });

/** Two users' requests share x-lbsim-key (a gateway's per-user hash key); each has its own idempotency key. */
async function statuses(base: string): Promise<number[]> {
  const send = async (idem: string): Promise<number> => {
    const r = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-lbsim-key': 'user-1',
        'idempotency-key': idem,
      },
    });
    await r.arrayBuffer();
    return r.status;
  };
  return [await send('req-1'), await send('req-2'), await send('req-1')];
}

const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => msw.close());

describe('the request key: idempotency-key first, x-lbsim-key second', () => {
  it('over HTTP: two requests of one user are two first attempts; a retry is a retry', async () => {
    const s = await startFakeServer(config, { rng: new Rng('k'), faults });
    try {
      expect(await statuses(s.url)).toEqual([502, 502, 200]);
    } finally {
      await s.close();
    }
  });

  it('through msw: the same', async () => {
    const fake = mswFake(config, 'http://u.fake', new Rng('k'), { faults });
    msw.use(...fake.handlers);
    try {
      expect(await statuses('http://u.fake/v1')).toEqual([502, 502, 200]);
    } finally {
      msw.resetHandlers();
      fake.upstream.dispose();
    }
  });
});
