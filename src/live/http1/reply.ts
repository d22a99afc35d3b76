import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import { isFieldText } from './chars.js';

/** What a Reply needs from the connection that owns it. */
export interface ReplyOwner {
  readonly socket: Socket;
  /** The date header line for now: "date: ...\r\n". */
  dateLine(): string;
  replyEnded(reply: Reply): void;
}

const LAST_CHUNK = Buffer.from('0\r\n\r\n');
const CRLF_LAST_CHUNK = Buffer.from('\r\n0\r\n\r\n');
const EMPTY = Buffer.alloc(0);

/**
 * The answer to one request on a raw HTTP/1.1 connection. The head is held until the first
 * write or the end, so a buffered answer leaves in one write: head and body together.
 */
export class Reply {
  /** Keep the connection for the next request (cleared for errors and HTTP/1.0 clients). */
  keepAlive: boolean;
  headSent = false;
  /** The status written, 0 until the head is set. */
  status = 0;
  ended = false;
  /** Called once if the client goes away before the reply ended. */
  onClose: (() => void) | null = null;
  private head: string | null = null;
  private chunked = false;
  private corked = false;
  private gathered: Buffer[] = [];
  private gatheredBytes = 0;

  constructor(
    private readonly owner: ReplyOwner,
    private readonly http10: boolean,
    /** HEAD: headers only. */
    private readonly bodiless: boolean,
    keepAlive: boolean,
  ) {
    this.keepAlive = keepAlive;
  }

  /** The socket is gone: nothing more reaches the client. */
  get destroyed(): boolean {
    return this.owner.socket.destroyed;
  }

  /**
   * Sets the status and headers: a flat [name, value, ...] list, then `lines`, header lines
   * already validated and free of framing headers ("Name: value\r\n" each). Without a
   * content-length the body is chunked for HTTP/1.1 clients and ends with the connection for
   * HTTP/1.0 ones.
   */
  writeHead(status: number, headers: readonly string[], lines = ''): void {
    if (this.headSent) return;
    this.headSent = true;
    this.status = status;
    let s = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n${lines}`;
    let hasLength = false;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!;
      // CR or LF in a name or value would let it forge headers: such a header is left out.
      if (!isFieldText(name) || !isFieldText(headers[i + 1]!)) continue;
      if (name.length === 14 && name.toLowerCase() === 'content-length') hasLength = true;
      s += `${name}: ${headers[i + 1]!}\r\n`;
    }
    const bodyAllowed = !this.bodiless && status !== 204 && status !== 304 && status >= 200;
    if (!hasLength && bodyAllowed) {
      if (this.http10) this.keepAlive = false;
      else {
        this.chunked = true;
        s += 'transfer-encoding: chunked\r\n';
      }
    }
    if (!this.keepAlive) s += 'connection: close\r\n';
    else if (this.http10) s += 'connection: keep-alive\r\n';
    this.head = s + this.owner.dateLine() + '\r\n';
  }

  /**
   * A piece of the body. The pieces written in one turn of the event loop (often the many SSE
   * chunks of one upstream read) leave together when the turn ends: one chunk of a chunked body
   * and one writev, not a chunk and a syscall each. False once the reply can take no more.
   */
  write(chunk: Buffer): boolean {
    if (this.ended || this.destroyed) return false;
    if (!this.headSent) this.writeHead(200, []);
    if (this.bodiless || chunk.length === 0) {
      if (this.head !== null) this.flush(EMPTY);
      return true;
    }
    this.batch();
    if (!this.chunked) {
      this.flush(chunk);
      return true;
    }
    this.gathered.push(chunk);
    this.gatheredBytes += chunk.length;
    return true;
  }

  /** Holds this turn's writes until the current callback returns (see `write`). */
  private batch(): void {
    if (this.corked) return;
    this.corked = true;
    this.owner.socket.cork();
    queueMicrotask(this.uncork);
  }

  private readonly uncork = (): void => {
    this.emitGathered();
    this.corked = false;
    this.owner.socket.uncork();
  };

  /** The chunked pieces gathered this turn, as one chunk. */
  private emitGathered(): void {
    const n = this.gatheredBytes;
    if (n === 0) return;
    const pieces = this.gathered;
    this.gathered = [];
    this.gatheredBytes = 0;
    if (this.destroyed) return;
    const size = `${n.toString(16)}\r\n`;
    const out = Buffer.allocUnsafe(size.length + n + 2);
    let at = out.write(size, 0, 'latin1');
    for (const p of pieces) at += p.copy(out, at);
    out[at] = 13;
    out[at + 1] = 10;
    this.flush(out);
  }

  /**
   * Ends the reply, with the last of the body if given. Without a writeHead first, the answer
   * is a 200 whose content-length is that of `body`.
   */
  end(body?: Buffer): void {
    if (this.ended) return;
    const hasBody = body !== undefined && body.length > 0 && !this.bodiless;
    if (!this.headSent) this.writeHead(200, ['content-length', String(body?.length ?? 0)]);
    this.ended = true;
    this.onClose = null;
    this.emitGathered();
    if (!this.destroyed) {
      if (this.chunked && !this.bodiless) {
        if (hasBody) {
          const socket = this.owner.socket;
          socket.cork();
          this.flush(Buffer.from(`${body.length.toString(16)}\r\n`, 'latin1'));
          socket.write(body);
          socket.write(CRLF_LAST_CHUNK);
          socket.uncork();
        } else this.flush(LAST_CHUNK);
      } else if (hasBody) this.flush(body);
      else if (this.head !== null) this.flush(EMPTY);
    }
    this.owner.replyEnded(this);
  }

  /** Bytes written but not yet taken by the client's socket. */
  get queued(): number {
    return this.owner.socket.writableLength + this.gatheredBytes;
  }

  /** Runs `cb` once the client has taken what was written (after a write returned false). */
  onDrain(cb: () => void): void {
    const socket = this.owner.socket;
    if (socket.destroyed || socket.writableLength === 0) cb();
    else socket.once('drain', cb);
  }

  /**
   * Ends a reply that broke: what was written is flushed, then the connection closes without the
   * chunked terminator, so the client sees the answer fail.
   */
  endBroken(): void {
    if (this.ended) return;
    this.ended = true;
    this.onClose = null;
    this.emitGathered();
    this.keepAlive = false;
    this.owner.replyEnded(this);
  }

  /** Cuts the connection: the client sees the answer fail. */
  destroy(): void {
    this.ended = true;
    this.onClose = null;
    this.gathered = [];
    this.gatheredBytes = 0;
    this.keepAlive = false;
    this.owner.socket.destroy();
    this.owner.replyEnded(this);
  }

  /** Writes `data`, preceded by the head while it is still held: one write either way. */
  private flush(data: Buffer, cb?: () => void): boolean {
    const socket = this.owner.socket;
    const head = this.head;
    if (head === null) return socket.write(data, cb);
    this.head = null;
    const out = Buffer.allocUnsafe(head.length + data.length);
    out.write(head, 0, 'latin1');
    data.copy(out, head.length);
    return socket.write(out, cb);
  }
}
