/**
 * Child process of the proxy benchmark: autocannon against argv[2] for argv[3] seconds with
 * argv[4] connections — at most argv[5] requests/s overall when given — off every server's
 * event loop; one JSON line of results on stdout. Latency percentiles come from every 2xx
 * response time at full resolution (autocannon's own histogram keeps whole milliseconds).
 * LBSIM_BENCH_STREAM=1 asks for streamed answers (`stream: true`).
 */
import autocannon from 'autocannon';

const [url, seconds, connections, rate] = [
  process.argv[2]!,
  Number(process.argv[3]),
  Number(process.argv[4]),
  process.argv[5] === undefined ? undefined : Number(process.argv[5]),
];
const body = JSON.stringify({
  model: 'bench',
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
  ...(process.env.LBSIM_BENCH_STREAM === '1' ? { stream: true } : {}),
});
const times: number[] = [];
let finish!: (r: autocannon.Result) => void;
let fail!: (err: Error) => void;
const done = new Promise<autocannon.Result>((resolve, reject) => {
  finish = resolve;
  fail = reject;
});
const instance = autocannon(
  {
    url: `${url}/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body,
    connections,
    duration: seconds,
    pipelining: 1,
    ...(rate === undefined ? {} : { overallRate: rate }),
  },
  (err: Error | null, r: autocannon.Result) => (err === null ? finish(r) : fail(err)),
);
instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
  if (status >= 200 && status < 300) times.push(ms);
});
const result = await done;
times.sort((a, b) => a - b);
const pct = (p: number): number =>
  times.length === 0 ? NaN : times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: pct(0.5),
    p99: pct(0.99),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
