/** Child process of the proxy benchmark: one fake upstream on loopback, its URL on stdout. */
import { zUpstream } from '../../fakes/config.js';
import { startFakeServer } from '../../fakes/server.js';

const fake = await startFakeServer(
  zUpstream.parse({
    name: 'bench',
    latency: '0ms',
    outputTokens: 16,
    // Streamed answers (the streaming table): one SSE chunk per token, a millisecond apart.
    stream: { ttft: '0ms', itl: '1ms' },
  }),
);
process.stdout.write(`${JSON.stringify({ url: fake.url, port: fake.port })}\n`);
process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
