// Child process of bench/fakes.bench.ts: keeps N streaming requests open against a fake until a
// deadline and reports, per token chunk, how late it arrived against the stream's own first token
// plus i × gap. Prints one JSON line.
import { Agent, request } from 'node:http';

const [url, concurrency, durationMs, gapMs] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
  Number(process.argv[5]),
];
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const body = JSON.stringify({
  model: 'x',
  messages: [{ role: 'user', content: 'hi' }],
  stream: true,
});
const late = [];
let streams = 0;
let errors = 0;
let chunks = 0;
const start = performance.now();
const deadline = start + durationMs;
let open = 0;

function one() {
  if (performance.now() >= deadline) {
    if (open === 0) done();
    return;
  }
  open++;
  const req = request(
    url,
    { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
    (res) => {
      let first = -1;
      let i = 0;
      res.setEncoding('utf8');
      res.on('data', (text) => {
        const now = performance.now();
        let n = 0;
        for (
          let k = text.indexOf('"content":"');
          k !== -1;
          k = text.indexOf('"content":"', k + 1)
        ) {
          if (text.startsWith('"content":""', k)) continue; // the role chunk
          n++;
        }
        for (let j = 0; j < n; j++) {
          if (first < 0) first = now;
          else late.push(now - (first + i * gapMs));
          i++;
          chunks++;
        }
      });
      res.on('end', () => {
        streams++;
        open--;
        one();
      });
    },
  );
  req.on('error', () => {
    errors++;
    open--;
    one();
  });
  req.end(body);
}

function done() {
  late.sort((a, b) => a - b);
  const q = (p) =>
    late.length ? late[Math.min(late.length - 1, Math.floor(p * late.length))] : NaN;
  process.stdout.write(
    JSON.stringify({ streams, errors, chunks, p50: q(0.5), p99: q(0.99), max: q(1) }) + '\n',
  );
  agent.destroy();
}

for (let c = 0; c < concurrency; c++) one();
