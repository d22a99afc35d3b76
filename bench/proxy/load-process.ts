/**
 * Child process of the proxy benchmark: autocannon against argv[2] for argv[3] seconds with
 * argv[4] connections, off every server's event loop; one JSON line of results on stdout.
 */
import autocannon from 'autocannon';

const [url, seconds, connections] = [
  process.argv[2]!,
  Number(process.argv[3]),
  Number(process.argv[4]),
];
const body = JSON.stringify({
  model: 'bench',
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
});
const result = await autocannon({
  url: `${url}/chat/completions`,
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
  body,
  connections,
  duration: seconds,
  pipelining: 1,
});
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
