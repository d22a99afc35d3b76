/**
 * Child process of the proxy benchmark: Node's I/O floor — each client connection gets its own
 * upstream connection and bytes are copied both ways as they come, nothing parsed, nothing
 * checked, no pool. Not a usable proxy: it only shows what Node's sockets cost by themselves,
 * below which no proxy written in Node can go.
 */
import { connect, createServer, type AddressInfo } from 'node:net';

const up = new URL(process.argv[2]!);
const server = createServer({ noDelay: true }, (client) => {
  const upstream = connect({ port: Number(up.port), host: '127.0.0.1', noDelay: true });
  client.on('error', () => {});
  upstream.on('error', () => {});
  client.on('data', (d: Buffer) => upstream.write(d));
  upstream.on('data', (d: Buffer) => client.write(d));
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/v1` })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
