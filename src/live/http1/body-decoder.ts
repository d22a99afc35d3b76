import { isFieldLine, isFieldText, trimOws } from './chars.js';
import { HttpProtocolError } from './protocol-error.js';

/** How a message body is delimited (RFC 9112 §6). */
export type Framing = 'none' | 'length' | 'chunked' | 'close';

const enum State {
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  Close,
  Done,
}

/** A chunk-size line or a trailer line longer than this is an attack, not a message. */
const LINE_LIMIT = 4096;
const HEX = /^[0-9a-fA-F]{1,15}$/;

/**
 * Incremental body decoder: feed it bytes as they arrive; it hands out the body's bytes
 * (chunked framing removed) and says where the body ended, so what follows on a keep-alive
 * connection is the next message.
 */
export class BodyDecoder {
  private state: State;
  private remaining: number;
  private line = '';

  constructor(framing: Framing, length = 0) {
    switch (framing) {
      case 'none':
        this.state = State.Done;
        this.remaining = 0;
        break;
      case 'length':
        this.state = length === 0 ? State.Done : State.Length;
        this.remaining = length;
        break;
      case 'chunked':
        this.state = State.ChunkSize;
        this.remaining = 0;
        break;
      case 'close':
        this.state = State.Close;
        this.remaining = 0;
        break;
    }
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /** Read until the connection closes: the end of the connection is the end of the body. */
  get untilClose(): boolean {
    return this.state === State.Close;
  }

  /**
   * Consumes `buf` from `at`; body bytes go to `onData` (views into `buf`). Returns the offset
   * after the last byte consumed: `buf.length` unless the body ended inside `buf`.
   */
  feed(buf: Buffer, at: number, onData: (chunk: Buffer) => void): number {
    let i = at;
    const end = buf.length;
    while (i < end) {
      switch (this.state) {
        case State.Done:
          return i;
        case State.Close:
          onData(i === 0 ? buf : buf.subarray(i));
          return end;
        case State.Length:
        case State.ChunkData: {
          const n = Math.min(this.remaining, end - i);
          onData(i === 0 && n === end ? buf : buf.subarray(i, i + n));
          i += n;
          this.remaining -= n;
          if (this.remaining === 0)
            this.state = this.state === State.Length ? State.Done : State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd:
          // The usual case, without building a line: the CRLF after the data, whole in `buf`.
          if (this.line === '' && i + 1 < end && buf[i] === 13 && buf[i + 1] === 10) {
            i += 2;
            this.state = State.ChunkSize;
            break;
          }
          i = this.lineFrom(buf, i, end);
          break;
        case State.ChunkSize: {
          const next = this.line === '' ? this.plainSizeLine(buf, i, end) : -1;
          i = next >= 0 ? next : this.lineFrom(buf, i, end);
          break;
        }
        case State.Trailers:
          i = this.lineFrom(buf, i, end);
          break;
      }
    }
    return i;
  }

  /**
   * The usual chunk-size line, whole in `buf` at `i`: hex digits then CRLF, no extension. Sets
   * the size and returns the offset after the line, or -1 for anything else (the line path
   * decides those).
   */
  private plainSizeLine(buf: Buffer, i: number, end: number): number {
    let size = 0;
    let j = i;
    for (; j < end && j - i < 15; j++) {
      const c = buf[j]!;
      const lower = c | 0x20;
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (lower >= 97 && lower <= 102) d = lower - 87;
      else break;
      size = size * 16 + d;
    }
    if (j === i || j + 1 >= end || buf[j] !== 13 || buf[j + 1] !== 10) return -1;
    if (size === 0) this.state = State.Trailers;
    else {
      this.remaining = size;
      this.state = State.ChunkData;
    }
    return j + 2;
  }

  /**
   * Gathers a line (a chunk size, the CRLF after chunk data, a trailer) up to its LF, across
   * feeds, and acts on it once whole; returns the offset after what it took.
   */
  private lineFrom(buf: Buffer, i: number, end: number): number {
    const nl = buf.indexOf(10, i);
    const stop = nl < 0 ? end : nl + 1;
    this.line += buf.toString('latin1', i, stop);
    if (nl < 0) {
      if (this.line.length > LINE_LIMIT)
        throw new HttpProtocolError(400, 'chunked body: line too long');
      return end;
    }
    this.endLine();
    return stop;
  }

  private endLine(): void {
    const line = this.line;
    this.line = '';
    if (line.length > LINE_LIMIT || !line.endsWith('\r\n'))
      throw new HttpProtocolError(400, 'chunked body: lines must end with CRLF');
    const text = line.slice(0, -2);
    switch (this.state) {
      case State.ChunkDataEnd:
        if (text !== '') throw new HttpProtocolError(400, 'chunked body: chunk data too long');
        this.state = State.ChunkSize;
        return;
      case State.ChunkSize: {
        // Extensions are ignored but must be clean: a bare CR or a NUL in one is how a body is
        // made to read differently by two parsers.
        if (!isFieldText(text)) throw new HttpProtocolError(400, 'chunked body: bad chunk line');
        const semi = text.indexOf(';');
        const hex = trimOws(semi < 0 ? text : text.slice(0, semi), false);
        if (!HEX.test(hex)) throw new HttpProtocolError(400, 'chunked body: bad chunk size');
        const size = parseInt(hex, 16);
        if (size === 0) this.state = State.Trailers;
        else {
          this.remaining = size;
          this.state = State.ChunkData;
        }
        return;
      }
      case State.Trailers:
        // Trailers are read, checked and dropped; an empty line ends the message.
        if (text === '') this.state = State.Done;
        else if (!isFieldLine(text)) throw new HttpProtocolError(400, 'chunked body: bad trailer');
        return;
      default:
        return;
    }
  }
}
