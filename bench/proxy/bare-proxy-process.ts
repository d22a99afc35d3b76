/**
 * Child process of the proxy benchmark: what the Node HTTP stack costs — node:http in front of one
 * undici Pool through the raw dispatch API, no gateway logic, no header forwarding. The gap
 * between it and lbsim's gateway is what the gateway costs; the gap between it and nginx is
 * what the Node HTTP stack costs.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

const up = new URL(process.argv[2]!);
const base = up.pathname.replace(/\/+$/, '');
const pool = new Pool(up.origin, { pipelining: 1 });
const server = createServer({ keepAlive: true, noDelay: true }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const out: Buffer[] = [];
    let status = 0;
    pool.dispatch(
      {
        path: base + (req.url ?? '/').slice(3),
        method: req.method ?? 'GET',
        headers: ['content-type', 'application/json'],
        body: Buffer.concat(chunks),
      },
      {
        onConnect() {},
        onHeaders(s: number) {
          status = s;
          return true;
        },
        onData(c: Buffer) {
          out.push(c);
          return true;
        },
        onComplete() {
          const b = Buffer.concat(out);
          res.writeHead(status, [
            'content-type',
            'application/json',
            'content-length',
            String(b.length),
          ]);
          res.end(b);
        },
        onError() {
          res.writeHead(502);
          res.end();
        },
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/v1` })}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void pool.destroy().then(() => process.exit(0));
});
