/**
 * Child process of the proxy benchmark: the least HTTP proxy on raw sockets — node:net
 * both ways, keep-alive, content-length framing only, no validation, no gateway logic. What
 * lbsim's gateway costs beyond it is what its HTTP layer and the core add.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

const up = new URL(process.argv[2]!);
const idle: Socket[] = [];
const CRLF2 = Buffer.from('\r\n\r\n');

function upstream(cb: (s: Socket) => void): void {
  const s = idle.pop();
  if (s !== undefined) {
    cb(s);
    return;
  }
  const c = connect({ port: Number(up.port), host: '127.0.0.1', noDelay: true });
  c.on('error', () => {});
  c.on('close', () => {
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
  });
  c.once('connect', () => cb(c));
}

function contentLength(head: string): number {
  const i = head.toLowerCase().indexOf('\r\ncontent-length:');
  if (i < 0) return 0;
  let j = head.indexOf('\r\n', i + 2);
  if (j < 0) j = head.length;
  return Number(head.slice(i + 17, j).trim());
}

const server = createServer({ noDelay: true }, (client) => {
  client.on('error', () => {});
  let buf: Buffer = Buffer.alloc(0);
  client.on('data', (d: Buffer) => {
    buf = buf.length > 0 ? Buffer.concat([buf, d]) : d;
    const e = buf.indexOf(CRLF2);
    if (e < 0) return;
    const head = buf.toString('latin1', 0, e);
    const len = contentLength(head);
    if (buf.length < e + 4 + len) return;
    const body = buf.subarray(e + 4, e + 4 + len);
    buf = buf.subarray(e + 4 + len);
    const path = head.slice(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
    const out = `POST ${path} HTTP/1.1\r\nhost: ${up.host}\r\ncontent-type: application/json\r\ncontent-length: ${len}\r\n\r\n`;
    upstream((u) => {
      let rb: Buffer = Buffer.alloc(0);
      const onData = (d2: Buffer): void => {
        rb = rb.length > 0 ? Buffer.concat([rb, d2]) : d2;
        const re = rb.indexOf(CRLF2);
        if (re < 0) return;
        const rh = rb.toString('latin1', 0, re);
        const rl = contentLength(rh);
        if (rb.length < re + 4 + rl) return;
        u.off('data', onData);
        idle.push(u);
        const status = rh.slice(9, 12);
        client.write(
          `HTTP/1.1 ${status} OK\r\ncontent-type: application/json\r\ncontent-length: ${rl}\r\n\r\n` +
            rb.toString('latin1', re + 4, re + 4 + rl),
          'latin1',
        );
      };
      u.on('data', onData);
      u.write(out + body.toString('latin1'), 'latin1');
    });
  });
});
server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/v1` })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
