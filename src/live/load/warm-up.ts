import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/**
 * One request to a throwaway loopback server, so undici's lazy start (its HTTP parser is
 * compiled on first use, hundreds of ms) happens before the schedule starts, not in its
 * first second.
 */
export async function warmUp(): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await request(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' });
    await res.body.text();
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
