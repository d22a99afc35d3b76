/** Child process of the proxy benchmark: lbsim's gateway in front of the fake at argv[2]. */
import { createProxy } from '../../src/live/proxy/proxy.js';

const upstream = process.argv[2]!;
const proxy = await createProxy({
  gateway: {
    upstreams: [{ name: 'fake' }],
    strategy: { name: 'round-robin' },
    retry: { attempts: 2, perTryTimeoutMs: 30_000, totalTimeoutMs: 60_000 },
    breaker: { trip: { kind: 'consecutive-failures', threshold: 5 } },
  },
  upstreams: [{ name: 'fake', url: upstream }],
});
process.stdout.write(`${JSON.stringify({ url: proxy.url, port: proxy.port })}\n`);
process.once('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
