import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny upstream that records what reached it and when each request's connection closed — the
 * one thing the fakes do not expose (used for the client-disconnect and header/body rewrite
 * checks). Behaviour per request comes from `handler`.
 */
export interface Recorded {
  headers: IncomingMessage['headers'];
  body: string;
  closed: Promise<void>;
  finished: boolean;
}

export interface RecordingUpstream {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function recordingUpstream(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<RecordingUpstream> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const rec: Recorded = {
        headers: req.headers,
        body,
        finished: false,
        closed: new Promise((resolve) => res.once('close', () => resolve())),
      };
      res.once('finish', () => (rec.finished = true));
      requests.push(rec);
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
