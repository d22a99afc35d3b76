import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BodyDecoder, type Framing } from '../../../src/live/http1/body-decoder.js';
import { HttpProtocolError } from '../../../src/live/http1/protocol-error.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Feeds `pieces` one by one; each piece sits behind `pad` junk bytes and is fed from there. */
function feedAll(
  d: BodyDecoder,
  pieces: Buffer[],
  pad = 0,
): { body: Buffer; chunks: Buffer[]; offsets: number[]; rest: Buffer; doneAfter: boolean[] } {
  const chunks: Buffer[] = [];
  const offsets: number[] = [];
  const rest: Buffer[] = [];
  const doneAfter: boolean[] = [];
  for (const p of pieces) {
    const buf = Buffer.concat([Buffer.alloc(pad, 0x7e), p]);
    const at = d.feed(buf, pad, (c) => chunks.push(Buffer.from(c)));
    offsets.push(at - pad);
    rest.push(buf.subarray(at));
    doneAfter.push(d.done);
  }
  return { body: Buffer.concat(chunks), chunks, offsets, rest: Buffer.concat(rest), doneAfter };
}

/** Cuts `buf` at the given positions (taken modulo its length + 1, sorted; duplicates make empty pieces). */
function cut(buf: Buffer, cuts: number[]): Buffer[] {
  const at = cuts.map((c) => c % (buf.length + 1)).sort((x, y) => x - y);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  out.push(buf.subarray(prev));
  return out;
}

function expectProtocolError(fn: () => unknown, status: number): void {
  let caught: unknown = null;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(HttpProtocolError);
  expect((caught as HttpProtocolError).status).toBe(status);
  expect((caught as HttpProtocolError).code).toBe('LBSIM_HTTP_PROTOCOL');
}

// ---- arbitraries -------------------------------------------------------------------------

const bytes = (max: number): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const tokenArb = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,12}$/);
const qdtextArb = fc.stringMatching(/^[ !#-[\]-~]{0,12}$/);
const extArb = fc
  .tuple(
    fc.constantFrom('', ' ', '\t'),
    tokenArb,
    fc.option(
      fc.oneof(
        tokenArb,
        qdtextArb.map((q) => `"${q}"`),
      ),
      { nil: undefined },
    ),
  )
  .map(([bws, name, value]) => `${bws};${name}${value === undefined ? '' : `=${value}`}`);
const extsArb = fc.array(extArb, { maxLength: 3 }).map((e) => e.join(''));
const fieldValueArb = fc.stringMatching(/^[!-~]([ \t!-~]{0,20}[!-~])?$/);
const trailerArb = fc.tuple(tokenArb, fieldValueArb).map(([n, v]) => `${n}: ${v}\r\n`);

/** How one chunk's size is spelled: case and leading zeros vary. */
const hexArb = (n: number): fc.Arbitrary<string> =>
  fc.tuple(fc.boolean(), fc.nat({ max: 3 })).map(([upper, zeros]) => {
    const h = '0'.repeat(zeros) + n.toString(16);
    return upper ? h.toUpperCase() : h;
  });

interface Encoded {
  body: Buffer;
  wire: Buffer;
}

/** A body in random chunks, with random extensions and trailers, chunk-encoded. */
const chunkedArb: fc.Arbitrary<Encoded> = fc
  .array(fc.uint8Array({ minLength: 1, maxLength: 80 }), { maxLength: 8 })
  .chain((chunks) =>
    fc.tuple(
      fc.constant(chunks.map((c) => Buffer.from(c))),
      fc.tuple(...chunks.map((c) => fc.tuple(hexArb(c.length), extsArb))),
      fc.tuple(hexArb(0), extsArb),
      fc.array(trailerArb, { maxLength: 3 }),
    ),
  )
  .map(([chunks, lines, [lastHex, lastExt], trailers]) => {
    const parts: Buffer[] = [];
    chunks.forEach((c, i) => {
      const [hex, ext] = lines[i]!;
      parts.push(b(`${hex}${ext}\r\n`), c, b('\r\n'));
    });
    parts.push(b(`${lastHex}${lastExt}\r\n${trailers.join('')}\r\n`));
    return { body: Buffer.concat(chunks), wire: Buffer.concat(parts) };
  });

const lengthArb: fc.Arbitrary<Encoded> = bytes(400).map((body) => ({ body, wire: body }));

const cutsArb = fc.array(fc.nat(), { maxLength: 12 });

// ---- properties --------------------------------------------------------------------------

/** The checks shared by both framings: body exact, `done` exactly at the message end, rest kept. */
function checkFraming(
  framing: Framing,
  { body, wire }: Encoded,
  next: Buffer,
  cuts: number[],
  pad: number,
): void {
  const all = Buffer.concat([wire, next]);
  const pieces = cut(all, cuts);
  const d = new BodyDecoder(framing, body.length);
  const r = feedAll(d, pieces, pad);
  expect(r.body.equals(body)).toBe(true);
  for (const c of r.chunks) expect(c.length).toBeGreaterThan(0);
  expect(d.done).toBe(true);
  expect(d.untilClose).toBe(false);
  expect(r.rest.equals(next)).toBe(true);
  // `done` turns true exactly when the last byte of the message was consumed, not earlier.
  let consumed = 0;
  pieces.forEach((p, i) => {
    const off = r.offsets[i]!;
    expect(off).toBeGreaterThanOrEqual(0);
    expect(off).toBeLessThanOrEqual(p.length);
    if (!r.doneAfter[i]) expect(off).toBe(p.length);
    consumed += off;
    expect(r.doneAfter[i]).toBe(consumed === wire.length);
  });
  expect(consumed).toBe(wire.length);
}

describe('BodyDecoder: any chunking of the encoded bytes decodes to the body', () => {
  it('content-length framing', () => {
    fc.assert(
      fc.property(lengthArb, bytes(40), cutsArb, fc.nat({ max: 5 }), (enc, next, cuts, pad) => {
        checkFraming('length', enc, next, cuts, pad);
      }),
    );
  });

  it('chunked framing with random chunk sizes, extensions and trailers', () => {
    fc.assert(
      fc.property(chunkedArb, bytes(40), cutsArb, fc.nat({ max: 5 }), (enc, next, cuts, pad) => {
        checkFraming('chunked', enc, next, cuts, pad);
      }),
    );
  });

  it('chunked framing fed one byte at a time', () => {
    fc.assert(
      fc.property(chunkedArb, bytes(10), (enc, next) => {
        const all = Buffer.concat([enc.wire, next]);
        const cuts = Array.from({ length: all.length }, (_, i) => i);
        checkFraming('chunked', enc, next, cuts, 0);
      }),
      { numRuns: 50 },
    );
  });

  it('two pipelined chunked messages decode one after the other from the returned offset', () => {
    fc.assert(
      fc.property(chunkedArb, chunkedArb, cutsArb, (m1, m2, cuts) => {
        const all = Buffer.concat([m1.wire, m2.wire]);
        const bodies: Buffer[][] = [[], []];
        let k = 0;
        let d = new BodyDecoder('chunked');
        for (const p of cut(all, cuts)) {
          let at = 0;
          while (at < p.length) {
            const sink = bodies[k]!;
            at = d.feed(p, at, (c) => sink.push(Buffer.from(c)));
            if (d.done) {
              k++;
              d = new BodyDecoder('chunked');
            }
          }
        }
        expect(k).toBe(2);
        expect(Buffer.concat(bodies[0]!).equals(m1.body)).toBe(true);
        expect(Buffer.concat(bodies[1]!).equals(m2.body)).toBe(true);
      }),
    );
  });

  it('close framing: every byte is body and the decoder is never done', () => {
    fc.assert(
      fc.property(bytes(300), cutsArb, fc.nat({ max: 5 }), (body, cuts, pad) => {
        const d = new BodyDecoder('close');
        expect(d.untilClose).toBe(true);
        const pieces = cut(body, cuts);
        const r = feedAll(d, pieces, pad);
        expect(r.body.equals(body)).toBe(true);
        pieces.forEach((p, i) => {
          expect(r.offsets[i]).toBe(p.length);
        });
        expect(d.done).toBe(false);
        expect(d.untilClose).toBe(true);
      }),
    );
  });
});

describe('BodyDecoder: units', () => {
  it('no body: done at once, consumes nothing', () => {
    const d = new BodyDecoder('none');
    expect(d.done).toBe(true);
    const seen: Buffer[] = [];
    expect(d.feed(b('GET / HTTP/1.1\r\n'), 0, (c) => seen.push(c))).toBe(0);
    expect(d.feed(b('abc'), 2, (c) => seen.push(c))).toBe(2);
    expect(seen).toEqual([]);
  });

  it('length 0 is done at once', () => {
    const d = new BodyDecoder('length', 0);
    expect(d.done).toBe(true);
    expect(d.feed(b('next'), 0, () => {})).toBe(0);
  });

  it('length: stops at the end of the body inside a buffer', () => {
    const d = new BodyDecoder('length', 5);
    const seen: string[] = [];
    expect(d.feed(b('hel'), 0, (c) => seen.push(c.toString()))).toBe(3);
    expect(d.done).toBe(false);
    expect(d.feed(b('xxloGET'), 2, (c) => seen.push(c.toString()))).toBe(4);
    expect(seen).toEqual(['hel', 'lo']);
    expect(d.done).toBe(true);
  });

  it('chunked: a typical body with an extension and a trailer', () => {
    const d = new BodyDecoder('chunked');
    const wire = b('5;name=val\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: t\r\n\r\nNEXT');
    const seen: string[] = [];
    const at = d.feed(wire, 0, (c) => seen.push(c.toString()));
    expect(seen.join('')).toBe('hello world');
    expect(d.done).toBe(true);
    expect(wire.toString('latin1', at)).toBe('NEXT');
  });

  it('chunked: the CR and the LF of a line may arrive apart', () => {
    const d = new BodyDecoder('chunked');
    const seen: string[] = [];
    for (const p of ['3\r', '\nabc\r', '\n0\r', '\n\r', '\n'])
      d.feed(b(p), 0, (c) => seen.push(c.toString()));
    expect(seen.join('')).toBe('abc');
    expect(d.done).toBe(true);
  });

  it('chunked: a 15-digit size is accepted as a length still to come', () => {
    const d = new BodyDecoder('chunked');
    expect(d.feed(b('000000000000003\r\nab'), 0, () => {})).toBe(19);
    expect(d.done).toBe(false);
  });
});

describe('BodyDecoder: bad chunked input is a 400', () => {
  const bad = (wire: string): void => {
    expectProtocolError(() => new BodyDecoder('chunked').feed(b(wire), 0, () => {}), 400);
  };

  it.each([
    ['non-hex size', 'xyz\r\nabc\r\n0\r\n\r\n'],
    ['0x prefix', '0x3\r\nabc\r\n0\r\n\r\n'],
    ['negative size', '-3\r\nabc\r\n0\r\n\r\n'],
    ['empty size line', '\r\nabc\r\n0\r\n\r\n'],
    ['leading space', ' 3\r\nabc\r\n0\r\n\r\n'],
    ['16 hex digits', '0000000000000003\r\nabc\r\n0\r\n\r\n'],
    ['bare LF after the size', '3\nabc\r\n0\r\n\r\n'],
    ['data longer than the size', '3\r\nabcd\r\n0\r\n\r\n'],
    ['missing CRLF after data', '3\r\nabc0\r\n\r\n'],
    ['bare LF after data', '3\r\nabc\n0\r\n\r\n'],
    ['bare LF ending the trailers', '0\r\n\n'],
    ['trailer with bare LF', '0\r\nx: y\n\r\n'],
  ])('%s', (_name, wire) => {
    bad(wire);
  });

  it('a size line without LF longer than 4096 bytes, fed in pieces', () => {
    const d = new BodyDecoder('chunked');
    const piece = b('1'.repeat(100));
    expectProtocolError(() => {
      for (let i = 0; i < 100; i++) d.feed(piece, 0, () => {});
    }, 400);
  });

  it('an over-long chunk extension, line complete in one buffer', () => {
    bad(`3;x=${'a'.repeat(5000)}\r\nabc\r\n0\r\n\r\n`);
  });

  it('an over-long trailer line', () => {
    bad(`0\r\nx-t: ${'a'.repeat(5000)}\r\n\r\n`);
  });

  it('an over-long trailer line without LF, fed in pieces', () => {
    const d = new BodyDecoder('chunked');
    d.feed(b('0\r\nx-t: '), 0, () => {});
    expectProtocolError(() => {
      for (let i = 0; i < 100; i++) d.feed(b('a'.repeat(100)), 0, () => {});
    }, 400);
  });

  it('a line just under the limit is fine', () => {
    const d = new BodyDecoder('chunked');
    const ext = `;x=${'a'.repeat(4000)}`;
    d.feed(b(`3${ext}\r\nabc\r\n0\r\n\r\n`), 0, () => {});
    expect(d.done).toBe(true);
  });

  it('only SP and HTAB count as whitespace after a chunk size (NBSP does not)', () => {
    // RFC 9112 §7.1: chunk-size = 1*HEXDIG, then BWS ";" ... — BWS is SP / HTAB only.
    bad('3\xa0\r\nabc\r\n0\r\n\r\n');
  });

  it('property: any size line whose size part is not 1-15 hex digits is a 400', () => {
    const strictSize = /^[0-9a-fA-F]{1,15}[ \t]*$/;
    const lineArb = fc
      .stringMatching(/^[\t -~]{0,40}$/)
      .filter((s) => !strictSize.test(s.split(';')[0]!));
    fc.assert(
      fc.property(lineArb, (line) => {
        bad(`${line}\r\nabc\r\n0\r\n\r\n`);
      }),
    );
  });

  it('property: anything but CRLF right after the chunk data is a 400', () => {
    const junkArb = fc
      .string({ unit: 'binary-ascii', minLength: 1, maxLength: 10 })
      .filter((s) => !s.startsWith('\r\n'));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), junkArb, (data, junk) => {
        const wire = Buffer.concat([
          b(`${data.length.toString(16)}\r\n`),
          Buffer.from(data),
          b(`${junk}\r\n0\r\n\r\n`),
        ]);
        expectProtocolError(() => new BodyDecoder('chunked').feed(wire, 0, () => {}), 400);
      }),
    );
  });
});
