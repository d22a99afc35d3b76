import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestHead, parseResponseHead } from '../../../src/live/http1/head.js';
import { splitFields } from '../../../src/live/http1/header-names.js';
import { HttpProtocolError } from '../../../src/live/http1/protocol-error.js';

/** A head from its lines, without the final CRLF CRLF (as the parsers take it). */
const head = (...lines: string[]): string => lines.join('\r\n');

/** The parsers take bytes; the tests write heads as latin1 text. */
const parseReq = (text: string) => parseRequestHead(Buffer.from(text, 'latin1'));
const parseRes = (text: string, method: string) => {
  const buf = Buffer.from(text, 'latin1');
  return parseResponseHead(buf, 0, buf.length, method);
};

function statusOf(fn: () => unknown): number | 'no error' {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HttpProtocolError);
    return (err as HttpProtocolError).status;
  }
  return 'no error';
}

const req = (...lines: string[]): number | 'no error' => statusOf(() => parseReq(head(...lines)));

describe('parseRequestHead: valid requests', () => {
  it('reads method, target, header lines as received, and no body', () => {
    const h = parseReq(
      head('GET /v1/models?x=1 HTTP/1.1', 'Host: example.test', 'X-Thing:  a b  ', 'accept: */*'),
    );
    expect(h.method).toBe('GET');
    expect(h.target).toBe('/v1/models?x=1');
    expect(h.http10).toBe(false);
    expect(h.fields).toBe('Host: example.test\r\nX-Thing:  a b  \r\naccept: */*');
    expect(splitFields(h.fields)).toEqual([
      'Host',
      'example.test',
      'X-Thing',
      'a b',
      'accept',
      '*/*',
    ]);
    expect(h.framing).toBe('none');
    expect(h.length).toBe(0);
    expect(h.keepAlive).toBe(true);
    expect(h.expectContinue).toBe(false);
  });

  it('content-length gives length framing; 0 gives none', () => {
    const h = parseReq(head('POST / HTTP/1.1', 'host: h', 'Content-Length: 42'));
    expect(h.framing).toBe('length');
    expect(h.length).toBe(42);
    const z = parseReq(head('POST / HTTP/1.1', 'host: h', 'content-length: 0'));
    expect(z.framing).toBe('none');
  });

  it('repeated content-lengths that agree are one length', () => {
    expect(parseReq(head('POST / HTTP/1.1', 'host: h', 'content-length: 5, 5')).length).toBe(5);
    const two = parseReq(
      head('POST / HTTP/1.1', 'host: h', 'content-length: 7', 'Content-Length: 7'),
    );
    expect(two.framing).toBe('length');
    expect(two.length).toBe(7);
  });

  it('transfer-encoding: chunked (any case) gives chunked framing', () => {
    const h = parseReq(head('POST / HTTP/1.1', 'host: h', 'Transfer-Encoding: Chunked'));
    expect(h.framing).toBe('chunked');
  });

  it('HTTP/1.1 keeps the connection unless Connection: close', () => {
    expect(parseReq(head('GET / HTTP/1.1', 'host: h')).keepAlive).toBe(true);
    expect(parseReq(head('GET / HTTP/1.1', 'host: h', 'Connection: close')).keepAlive).toBe(false);
    expect(
      parseReq(head('GET / HTTP/1.1', 'host: h', 'connection: Upgrade, Close')).keepAlive,
    ).toBe(false);
    expect(parseReq(head('GET / HTTP/1.1', 'host: h', 'connection: keep-alive')).keepAlive).toBe(
      true,
    );
  });

  it('HTTP/1.0 closes unless Connection: keep-alive; no host needed', () => {
    const plain = parseReq(head('GET / HTTP/1.0'));
    expect(plain.http10).toBe(true);
    expect(plain.keepAlive).toBe(false);
    expect(parseReq(head('GET / HTTP/1.0', 'Connection: Keep-Alive')).keepAlive).toBe(true);
    expect(parseReq(head('GET / HTTP/1.0', 'connection: keep-alive, close')).keepAlive).toBe(false);
  });

  it('Expect: 100-continue is honoured on 1.1 and ignored on 1.0', () => {
    const h = parseReq(
      head('POST / HTTP/1.1', 'host: h', 'content-length: 3', 'Expect: 100-Continue'),
    );
    expect(h.expectContinue).toBe(true);
    const old = parseReq(head('POST / HTTP/1.0', 'content-length: 3', 'expect: 100-continue'));
    expect(old.expectContinue).toBe(false);
  });

  it('a horizontal tab inside a value is allowed', () => {
    expect(parseReq(head('GET / HTTP/1.1', 'host: h', 'x: a\tb')).fields).toBe(
      'host: h\r\nx: a\tb',
    );
  });

  it('property: any list of valid fields is kept as received and splits back in order', () => {
    const name = fc
      .stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,16}$/)
      .filter((n) =>
        ['host', 'content-length', 'transfer-encoding', 'connection', 'expect'].every(
          (reserved) => n.toLowerCase() !== reserved,
        ),
      );
    // The first and last characters leave out 0xA0 (NBSP): its own test is below.
    const edge = '[!-~\\x80-\\x9f\\xa1-\\xff]';
    const value = fc.stringMatching(new RegExp(`^(${edge}([\\t !-~\\x80-\\xff]{0,20}${edge})?)?$`));
    const ows = fc.constantFrom('', ' ', '\t', '  ', ' \t');
    const field = fc.tuple(name, value, ows, ows);
    fc.assert(
      fc.property(fc.array(field, { maxLength: 10 }), (fields) => {
        const lines = fields.map(([n, v, a, z]) => `${n}:${a}${v}${z}`);
        const h = parseReq(head('PUT /x HTTP/1.1', 'Host: h', ...lines));
        expect(h.fields).toBe(['Host: h', ...lines].join('\r\n'));
        expect(splitFields(h.fields)).toEqual(['Host', 'h', ...fields.flatMap(([n, v]) => [n, v])]);
        expect(h.framing).toBe('none');
      }),
    );
  });
});

describe('parsing a head inside a larger buffer', () => {
  it('property: a request head at [start, end) parses as it does on its own', () => {
    const heads = fc.constantFrom(
      head('GET /a HTTP/1.1', 'Host: h', 'x: 1'),
      head('POST /b?q=1 HTTP/1.1', 'host: h', 'content-length: 12', 'connection: close'),
      head('PUT / HTTP/1.0', 'Connection: keep-alive', 'Content-Length: 3'),
      head('POST /c HTTP/1.1', 'host: h', 'transfer-encoding: chunked', 'expect: 100-continue'),
    );
    fc.assert(
      fc.property(
        heads,
        fc.uint8Array({ maxLength: 20 }),
        fc.uint8Array({ maxLength: 20 }),
        (h, pre, post) => {
          const alone = parseReq(h);
          const buf = Buffer.concat([
            Buffer.from(pre),
            Buffer.from(h, 'latin1'),
            Buffer.from(post),
          ]);
          expect(parseRequestHead(buf, pre.length, pre.length + h.length)).toEqual(alone);
        },
      ),
    );
  });

  it('property: a response head at [start, end) parses as it does on its own', () => {
    const heads = fc.constantFrom(
      head('HTTP/1.1 200 OK', 'content-length: 5', 'keep-alive: timeout=5'),
      head('HTTP/1.1 404 Not Found', 'transfer-encoding: chunked'),
      head('HTTP/1.0 200 OK'),
      head('HTTP/1.1 204'),
    );
    fc.assert(
      fc.property(
        heads,
        fc.uint8Array({ maxLength: 20 }),
        fc.uint8Array({ maxLength: 20 }),
        (h, pre, post) => {
          const alone = parseRes(h, 'GET');
          const buf = Buffer.concat([
            Buffer.from(pre),
            Buffer.from(h, 'latin1'),
            Buffer.from(post),
          ]);
          expect(parseResponseHead(buf, pre.length, pre.length + h.length, 'GET')).toEqual(alone);
        },
      ),
    );
  });
});

describe('parseRequestHead: strict rejections', () => {
  it.each([
    ['missing host on HTTP/1.1', ['GET / HTTP/1.1'], 400],
    [
      'both content-length and transfer-encoding',
      ['POST / HTTP/1.1', 'host: h', 'content-length: 5', 'transfer-encoding: chunked'],
      400,
    ],
    [
      'transfer-encoding before content-length',
      ['POST / HTTP/1.1', 'host: h', 'transfer-encoding: chunked', 'content-length: 5'],
      400,
    ],
    [
      'conflicting content-length in one field',
      ['POST / HTTP/1.1', 'host: h', 'content-length: 5, 6'],
      400,
    ],
    [
      'conflicting content-length fields',
      ['POST / HTTP/1.1', 'host: h', 'content-length: 5', 'content-length: 6'],
      400,
    ],
    ['non-digit content-length', ['POST / HTTP/1.1', 'host: h', 'content-length: 5a'], 400],
    ['signed content-length', ['POST / HTTP/1.1', 'host: h', 'content-length: +5'], 400],
    ['negative content-length', ['POST / HTTP/1.1', 'host: h', 'content-length: -1'], 400],
    ['empty content-length', ['POST / HTTP/1.1', 'host: h', 'content-length: '], 400],
    ['hex content-length', ['POST / HTTP/1.1', 'host: h', 'content-length: 0x10'], 400],
    [
      '16-digit content-length',
      ['POST / HTTP/1.1', 'host: h', `content-length: ${'9'.repeat(16)}`],
      400,
    ],
    ['transfer-encoding gzip', ['POST / HTTP/1.1', 'host: h', 'transfer-encoding: gzip'], 501],
    [
      'transfer-encoding gzip, chunked',
      ['POST / HTTP/1.1', 'host: h', 'transfer-encoding: gzip, chunked'],
      501,
    ],
    [
      'transfer-encoding twice',
      ['POST / HTTP/1.1', 'host: h', 'transfer-encoding: chunked', 'transfer-encoding: chunked'],
      501,
    ],
    ['chunked on HTTP/1.0', ['POST / HTTP/1.0', 'transfer-encoding: chunked'], 400],
    ['HTTP/2.0', ['GET / HTTP/2.0', 'host: h'], 505],
    ['HTTP/1.2', ['GET / HTTP/1.2', 'host: h'], 505],
    ['lower-case version', ['GET / http/1.1', 'host: h'], 400],
    ['no version', ['GET /', 'host: h'], 400],
    ['two spaces after the method', ['GET  / HTTP/1.1', 'host: h'], 400],
    ['space in the target', ['GET /a b HTTP/1.1', 'host: h'], 400],
    ['invalid method', ['G(T / HTTP/1.1', 'host: h'], 400],
    ['obs-fold', ['GET / HTTP/1.1', 'host: h', 'x-a: 1', ' folded'], 400],
    ['obs-fold with a colon', ['GET / HTTP/1.1', 'host: h', 'x-a: 1', '\tx: folded'], 400],
    ['space before the colon', ['GET / HTTP/1.1', 'host : h'], 400],
    ['tab before the colon', ['GET / HTTP/1.1', 'host: h', 'x-a\t: 1'], 400],
    ['no colon', ['GET / HTTP/1.1', 'host: h', 'just words'], 400],
    ['empty name', ['GET / HTTP/1.1', 'host: h', ': v'], 400],
    ['invalid header name', ['GET / HTTP/1.1', 'host: h', 'x(y): 1'], 400],
    ['non-ASCII header name', ['GET / HTTP/1.1', 'host: h', 'x\xe9: 1'], 400],
    ['NUL in a value', ['GET / HTTP/1.1', 'host: h', 'x: a\0b'], 400],
    ['CR in a value', ['GET / HTTP/1.1', 'host: h', 'x: a\rb'], 400],
    ['DEL in a value', ['GET / HTTP/1.1', 'host: h', 'x: a\x7fb'], 400],
    ['control char in the target', ['GET /a\x01 HTTP/1.1', 'host: h'], 400],
    ['Expect other than 100-continue', ['POST / HTTP/1.1', 'host: h', 'expect: 200-ok'], 417],
  ])('%s', (_name, lines, status) => {
    expect(req(...(lines as string[]))).toBe(status);
  });

  it('a bare LF anywhere in the head', () => {
    expect(statusOf(() => parseReq('GET / HTTP/1.1\nhost: h'))).toBe(400);
    expect(statusOf(() => parseReq('GET / HTTP/1.1\r\nhost: h\nx: 1'))).toBe(400);
    expect(statusOf(() => parseReq('GET / HTTP/1.1\r\nhost: h\r\nx: a\nb'))).toBe(400);
  });

  it('more than one Host field (RFC 9112 §3.2: MUST answer 400)', () => {
    expect(req('GET / HTTP/1.1', 'host: a.test', 'Host: b.test')).toBe(400);
  });

  it('only SP and HTAB are whitespace around a content-length (NBSP is not)', () => {
    // RFC 9110 §5.5/§5.6.3: OWS = *( SP / HTAB ); "5\xa0" is not 1*DIGIT: an invalid length.
    expect(req('POST / HTTP/1.1', 'host: h', 'content-length: 5\xa0')).toBe(400);
  });

  it('property: a content-length with anything but digits is a 400', () => {
    const bad = fc
      .stringMatching(/^[!-~]{1,12}$/)
      .filter((v) => !v.split(',').every((p) => /^\d{1,15}$/.test(p.trim())));
    fc.assert(
      fc.property(bad, (v) => {
        expect(req('POST / HTTP/1.1', 'host: h', `content-length: ${v}`)).toBe(400);
      }),
    );
  });

  it('property: a header name with a non-token character is a 400', () => {
    const bad = fc
      .stringMatching(/^[ -9;-~]{1,12}$/)
      .filter((n) => !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(n));
    fc.assert(
      fc.property(bad, (n) => {
        expect(req('GET / HTTP/1.1', 'host: h', `${n}: v`)).toBe(400);
      }),
    );
  });
});

describe('parseResponseHead', () => {
  const res = (method: string, ...lines: string[]) => parseRes(head(...lines), method);

  it('reads status and headers; content-length frames the body', () => {
    const h = res('GET', 'HTTP/1.1 200 OK', 'Content-Type: text/plain', 'Content-Length: 12');
    expect(h.status).toBe(200);
    expect(h.fields).toBe('Content-Type: text/plain\r\nContent-Length: 12');
    expect(h.framing).toBe('length');
    expect(h.length).toBe(12);
    expect(h.keepAlive).toBe(true);
  });

  it('reads the keep-alive: timeout=N hint in ms, -1 without one', () => {
    expect(
      res('GET', 'HTTP/1.1 200 OK', 'content-length: 0', 'Keep-Alive: timeout=5, max=100')
        .keepAliveHintMs,
    ).toBe(5000);
    expect(
      res('GET', 'HTTP/1.1 200 OK', 'content-length: 0', 'keep-alive: max=100').keepAliveHintMs,
    ).toBe(-1);
    expect(res('GET', 'HTTP/1.1 200 OK', 'content-length: 0').keepAliveHintMs).toBe(-1);
  });

  it('a status line without a reason phrase is fine', () => {
    expect(res('GET', 'HTTP/1.1 204').status).toBe(204);
  });

  it('content-length 0 and chunked', () => {
    expect(res('GET', 'HTTP/1.1 200 OK', 'content-length: 0').framing).toBe('none');
    expect(res('GET', 'HTTP/1.1 200 OK', 'transfer-encoding: chunked').framing).toBe('chunked');
  });

  it('an answer to HEAD has no body whatever its headers say', () => {
    const h = res('HEAD', 'HTTP/1.1 200 OK', 'content-length: 100');
    expect(h.framing).toBe('none');
    expect(h.keepAlive).toBe(true);
    expect(res('HEAD', 'HTTP/1.1 200 OK', 'transfer-encoding: chunked').framing).toBe('none');
    expect(res('HEAD', 'HTTP/1.1 200 OK').framing).toBe('none');
  });

  it.each([100, 101, 103, 204, 304])('%i has no body', (status) => {
    const h = res('GET', `HTTP/1.1 ${status} X`, 'content-length: 10');
    expect(h.framing).toBe('none');
    expect(res('GET', `HTTP/1.1 ${status} X`).framing).toBe('none');
    expect(res('GET', `HTTP/1.1 ${status} X`).keepAlive).toBe(true);
  });

  it('no length and no chunking: the body ends with the connection, which is not kept', () => {
    const h = res('GET', 'HTTP/1.1 200 OK', 'content-type: text/plain');
    expect(h.framing).toBe('close');
    expect(h.keepAlive).toBe(false);
    const old = res('GET', 'HTTP/1.0 200 OK', 'connection: keep-alive');
    expect(old.framing).toBe('close');
    expect(old.keepAlive).toBe(false);
  });

  it('keep-alive rules: 1.1 unless close; 1.0 only with keep-alive', () => {
    expect(res('GET', 'HTTP/1.1 200 OK', 'content-length: 1', 'connection: close').keepAlive).toBe(
      false,
    );
    expect(res('GET', 'HTTP/1.0 200 OK', 'content-length: 1').keepAlive).toBe(false);
    expect(
      res('GET', 'HTTP/1.0 200 OK', 'content-length: 1', 'Connection: Keep-Alive').keepAlive,
    ).toBe(true);
    expect(res('GET', 'HTTP/1.1 204 No Content', 'connection: close').keepAlive).toBe(false);
  });

  it.each([
    ['HTTP/2 200'],
    ['HTTP/1.1 20 OK'],
    ['HTTP/1.1 2000 OK'],
    ['HTTP/1.1  200 OK'],
    ['ICY 200 OK'],
    ['http/1.1 200 OK'],
    [''],
  ])('malformed status line %j is a 502', (line) => {
    expect(statusOf(() => res('GET', line, 'content-length: 0'))).toBe(502);
  });

  it.each([
    ['CL and TE', ['content-length: 3', 'transfer-encoding: chunked'], 400],
    ['conflicting CL', ['content-length: 3', 'content-length: 4'], 400],
    ['bad CL', ['content-length: three'], 400],
    ['TE gzip', ['transfer-encoding: gzip'], 501],
    ['header without colon', ['nonsense'], 400],
    ['space before colon', ['x-a : 1'], 400],
  ])('framing errors in a response: %s', (_name, lines, status) => {
    expect(statusOf(() => res('GET', 'HTTP/1.1 200 OK', ...(lines as string[])))).toBe(status);
  });

  it('a bare LF in a response head is refused', () => {
    expect(statusOf(() => parseRes('HTTP/1.1 200 OK\r\nx: 1\ny: 2', 'GET'))).toBe(400);
    // In the status line: refused too (as malformed or as a bare LF).
    expect([400, 502]).toContain(statusOf(() => parseRes('HTTP/1.1 200 OK\nx: 1', 'GET')));
  });
});
