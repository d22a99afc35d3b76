import type { Framing } from './body-decoder.js';
import { TCHAR, trimOws, VCHAR } from './chars.js';
import { HttpProtocolError } from './protocol-error.js';

const DIGITS = /^\d{1,15}$/;
const KEEP_ALIVE_TIMEOUT = /timeout=(\d{1,9})/i;
const STATUS_LINE = /^HTTP\/1\.[01] \d{3}(?: |$)/;

export interface MessageHead {
  /** The header lines as received ("Name: value", CRLF between them), validated. */
  fields: string;
  framing: Framing;
  /** The body's length when `framing` is 'length'. */
  length: number;
  /** The connection may carry another message after this one. */
  keepAlive: boolean;
}

export interface RequestHead extends MessageHead {
  method: string;
  /** The request target as sent: "/v1/chat/completions?x=1". */
  target: string;
  http10: boolean;
  expectContinue: boolean;
}

export interface ResponseHead extends MessageHead {
  status: number;
  /** The server's `keep-alive: timeout=N`, in ms; -1 when it gave none. */
  keepAliveHintMs: number;
}

/** What the framing headers of one message said. */
interface Fields {
  length: number;
  chunked: boolean;
  close: boolean;
  keepAliveToken: boolean;
  keepAliveHintMs: number;
  expect: string | undefined;
  host: boolean;
}

/** `buf[from, from + lower.length)` equals `lower` ignoring ASCII case (see equalsLower). */
function bytesEqualLower(buf: Buffer, from: number, lower: string): boolean {
  const n = lower.length;
  for (let i = 0; i < n; i++) if ((buf[from + i]! | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

/**
 * Validates the header lines in `buf[at, end)` in one pass over the bytes (a token, a colon,
 * then visible characters, spaces and tabs, CRLF between lines: no obs-fold, no bare CR or LF)
 * and reads the fields framing needs. Only the values of framing headers become strings.
 */
function readFields(buf: Buffer, at: number, end: number): Fields {
  const f: Fields = {
    length: -1,
    chunked: false,
    close: false,
    keepAliveToken: false,
    keepAliveHintMs: -1,
    expect: undefined,
    host: false,
  };
  while (at < end) {
    let i = at;
    while (i < end && TCHAR[buf[i]!] === 1) i++;
    if (i === at || i === end || buf[i] !== 58)
      throw new HttpProtocolError(400, 'malformed header line');
    const colon = i;
    for (i++; i < end; i++) {
      const c = buf[i]!;
      if (c === 13) break;
      if (VCHAR[c] !== 1) throw new HttpProtocolError(400, 'invalid character in a header');
    }
    const eol = i;
    if (eol < end && (buf[eol + 1] !== 10 || eol + 2 >= end))
      throw new HttpProtocolError(400, 'malformed header line');
    switch (colon - at) {
      case 4:
        if (bytesEqualLower(buf, at, 'host')) {
          // Two hosts leave the target ambiguous (RFC 9112 §3.2).
          if (f.host) throw new HttpProtocolError(400, 'more than one host field');
          f.host = true;
        }
        break;
      case 6:
        if (bytesEqualLower(buf, at, 'expect'))
          f.expect = trimOws(buf.toString('latin1', colon + 1, eol)).toLowerCase();
        break;
      case 10:
        if (bytesEqualLower(buf, at, 'connection'))
          connectionTokens(buf.toString('latin1', colon + 1, eol), f);
        else if (bytesEqualLower(buf, at, 'keep-alive')) {
          const m = KEEP_ALIVE_TIMEOUT.exec(buf.toString('latin1', colon + 1, eol));
          if (m !== null) f.keepAliveHintMs = Number(m[1]) * 1000;
        }
        break;
      case 14:
        if (bytesEqualLower(buf, at, 'content-length'))
          contentLength(buf.toString('latin1', colon + 1, eol), f);
        break;
      case 17:
        if (bytesEqualLower(buf, at, 'transfer-encoding')) {
          const codings = buf
            .toString('latin1', colon + 1, eol)
            .toLowerCase()
            .split(',');
          if (f.chunked || codings.length > 1 || trimOws(codings[0]!) !== 'chunked')
            throw new HttpProtocolError(501, 'only transfer-encoding: chunked is supported');
          f.chunked = true;
        }
        break;
    }
    at = eol + 2;
  }
  if (f.chunked && f.length >= 0)
    throw new HttpProtocolError(400, 'both content-length and transfer-encoding');
  return f;
}

function connectionTokens(value: string, f: Fields): void {
  const v = trimOws(value).toLowerCase();
  if (v === 'keep-alive') f.keepAliveToken = true;
  else if (v === 'close') f.close = true;
  else
    for (const t of v.split(',')) {
      const token = trimOws(t);
      if (token === 'close') f.close = true;
      else if (token === 'keep-alive') f.keepAliveToken = true;
    }
}

/** Repeated lengths must agree ("5, 5" or two fields); anything else is smuggling bait. */
function contentLength(value: string, f: Fields): void {
  if (!value.includes(',')) {
    oneLength(trimOws(value), f);
    return;
  }
  for (const part of value.split(',')) oneLength(trimOws(part), f);
}

function oneLength(v: string, f: Fields): void {
  if (!DIGITS.test(v)) throw new HttpProtocolError(400, 'invalid content-length');
  const num = Number(v);
  if (f.length >= 0 && f.length !== num)
    throw new HttpProtocolError(400, 'conflicting content-length');
  f.length = num;
}

/** Where the start line of the head in `buf[start, end)` ends (its CR), or `end`. */
function startLineEnd(buf: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === 13) {
      if (buf[i + 1] !== 10 || i + 2 >= end)
        throw new HttpProtocolError(400, 'malformed start line');
      return i;
    }
    if (c === 10) throw new HttpProtocolError(400, 'bare LF in the start line');
  }
  return end;
}

/**
 * A request head: `buf[start, end)`, without its final CRLF CRLF. Strict: ambiguity is an
 * error, not a guess.
 */
export function parseRequestHead(buf: Buffer, start = 0, end = buf.length): RequestHead {
  const lineEnd = startLineEnd(buf, start, end);
  let i = start;
  while (i < lineEnd && TCHAR[buf[i]!] === 1) i++;
  if (i === start || buf[i] !== 32) throw new HttpProtocolError(400, 'malformed request line');
  const method = buf.toString('latin1', start, i);
  const targetStart = ++i;
  // Visible ASCII only: no spaces, no control characters, nothing a log could misread.
  while (i < lineEnd && buf[i]! > 32 && buf[i]! < 127) i++;
  if (i === targetStart || buf[i] !== 32)
    throw new HttpProtocolError(400, 'invalid request target');
  const target = buf.toString('latin1', targetStart, i);
  const version = buf.toString('latin1', i + 1, lineEnd);
  let http10: boolean;
  if (version === 'HTTP/1.1') http10 = false;
  else if (version === 'HTTP/1.0') http10 = true;
  else if (/^HTTP\/\d\.\d$/.test(version))
    throw new HttpProtocolError(505, 'only HTTP/1.0 and HTTP/1.1 are served');
  else throw new HttpProtocolError(400, 'malformed request line');
  const fieldsStart = Math.min(lineEnd + 2, end);
  const f = readFields(buf, fieldsStart, end);
  if (!http10 && !f.host) throw new HttpProtocolError(400, 'HTTP/1.1 request without host');
  if (f.chunked && http10) throw new HttpProtocolError(400, 'chunked body in HTTP/1.0');
  let expectContinue = false;
  if (f.expect !== undefined) {
    if (f.expect !== '100-continue') throw new HttpProtocolError(417, 'unsupported expectation');
    expectContinue = !http10;
  }
  return {
    method,
    target,
    http10,
    fields: buf.toString('latin1', fieldsStart, end),
    framing: f.chunked ? 'chunked' : f.length > 0 ? 'length' : 'none',
    length: f.chunked ? 0 : Math.max(0, f.length),
    keepAlive: http10 ? f.keepAliveToken && !f.close : !f.close,
    expectContinue,
  };
}

/**
 * A response head in `buf[start, end)`. `method` is the request's: a HEAD answer has no body
 * whatever its headers say (RFC 9112 §6.3), nor have 1xx, 204 and 304.
 */
export function parseResponseHead(
  buf: Buffer,
  start: number,
  end: number,
  method: string,
): ResponseHead {
  const lineEnd = startLineEnd(buf, start, end);
  if (!STATUS_LINE.test(buf.toString('latin1', start, Math.min(lineEnd, start + 13))))
    throw new HttpProtocolError(502, 'malformed status line');
  const http10 = buf[start + 7] === 48;
  const status =
    (buf[start + 9]! - 48) * 100 + (buf[start + 10]! - 48) * 10 + buf[start + 11]! - 48;
  const fieldsStart = Math.min(lineEnd + 2, end);
  const f = readFields(buf, fieldsStart, end);
  const fields = buf.toString('latin1', fieldsStart, end);
  const bodiless = method === 'HEAD' || status < 200 || status === 204 || status === 304;
  let framing: Framing;
  if (bodiless) framing = 'none';
  else if (f.chunked) framing = 'chunked';
  else if (f.length >= 0) framing = f.length === 0 ? 'none' : 'length';
  else framing = 'close';
  return {
    status,
    fields,
    framing,
    length: framing === 'length' ? f.length : 0,
    keepAlive: framing !== 'close' && (http10 ? f.keepAliveToken && !f.close : !f.close),
    keepAliveHintMs: f.keepAliveHintMs,
  };
}
