import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { InputError } from '../../src/core/errors.js';
import {
  loadYamlFile,
  loadYamlText,
  MAX_PROBLEMS,
  MAX_YAML_BYTES,
} from '../../src/scenario/load.js';
import { zDuration } from '../../src/scenario/units-zod.js';
import { sampleScenario } from './sample-schema.js';

const FIXTURES = 'test/fixtures/scenario';

/** The lines a person would see, or 'loaded' when nothing was wrong. */
function problemLines(load: () => unknown): string[] | 'loaded' {
  try {
    load();
    return 'loaded';
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return err.message.split('\n');
  }
}

function fixture(name: string): string[] | 'loaded' {
  return problemLines(() => loadYamlFile(`${FIXTURES}/${name}`, sampleScenario));
}

function text(source: string, schema: z.ZodType = sampleScenario): string[] | 'loaded' {
  return problemLines(() => loadYamlText('s.yaml', source, schema));
}

const minimal =
  'name: x\nduration: 1s\nupstreams: [{ name: a }]\nload: { arrival: poisson, rate: 1/s }\n';

const tmp = mkdtempSync(join(tmpdir(), 'lbsim-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadYamlFile', () => {
  it('gives the typed output of the schema, units converted and defaults filled', () => {
    const scenario = loadYamlFile(`${FIXTURES}/valid.yaml`, sampleScenario);
    expectTypeOf(scenario.duration).toEqualTypeOf<number>();
    expect(scenario).toEqual({
      name: 'primary outage, backup takes over',
      seed: 42,
      duration: 60_000,
      upstreams: [
        { name: 'primary', weight: 3, capacity: 64, backup: false, latency: { p50: 80, p99: 400 } },
        {
          name: 'secondary',
          weight: 1,
          capacity: 64,
          backup: false,
          latency: { p50: 120, p99: 600 },
        },
        { name: 'backup', weight: 1, capacity: 64, backup: true, latency: { p50: 120, p99: 600 } },
      ],
      balancer: { strategy: 'weighted-round-robin', retry: { attempts: 3, budget: 0.2 } },
      load: { arrival: 'poisson', rate: 200 },
      faults: [
        { kind: 'down', upstream: 'primary', at: 15_000, for: 20_000 },
        { kind: 'slow', upstream: 'secondary', at: 40_000, for: 5_000, by: 1_000 },
      ],
    });
  });

  it('reports every problem at once, in file order, each at its line and column', () => {
    const f = `${FIXTURES}/many-errors.yaml`;
    expect(fixture('many-errors.yaml')).toEqual([
      `${f}:3:11: duration: a duration needs a unit: write "5ms" or similar, e.g. "250ms"`,
      `${f}:4:7: seed: expected a number, got string "forty-two"`,
      `${f}:7:5: upstreams[0].wieght: unknown key, did you mean weight?`,
      `${f}:8:21: upstreams[0].latency.p50: invalid duration "5": write a number with a unit: us, ms, s, m (or min), h — e.g. "250ms", "1.5s", "2m"`,
      `${f}:10:15: upstreams[1].capacity: must be at least 1`,
      `${f}:11:5: upstreams[1].name: duplicate key (first set at line 9)`,
      `${f}:12:5: upstreams[2].name: required`,
      `${f}:14:13: balancer.strategy: must be one of round-robin, weighted-round-robin, p2c, least-conn, got string "round-robbin" (did you mean round-robin?)`,
      `${f}:15:3: balancer.Retry: unknown key, did you mean retry?`,
      `${f}:16:3: balancer.sticky: unknown key (allowed: strategy, retry)`,
      `${f}:19:9: load.rate: invalid rate "200 per second": write count/unit with a unit of s, min (or m), h — e.g. "200/s", "500/min"`,
      `${f}:21:51: faults[0].kind: must be one of down, slow, got string "donw" (did you mean down?)`,
      `${f}:22:5: faults[1].for: required`,
    ]);
  });

  it('refuses a __proto__ key instead of letting it vanish into an object prototype', () => {
    const schema = z.strictObject({ limits: z.record(z.string(), z.number()) });
    expect(text('limits:\n  a: 1\n  __proto__: 2\n', schema)).toEqual([
      's.yaml:3:3: limits.__proto__: the key __proto__ is not allowed',
    ]);
  });

  it('places YAML syntax errors', () => {
    // Inline rather than a fixture: prettier --check would refuse a broken .yaml file.
    const broken = [
      'name: broken',
      'upstreams:',
      '  - { name: primary, weight: 3',
      '  - { name: secondary }',
      'duration: 5s',
    ].join('\n');
    expect(text(broken)).toEqual([
      's.yaml:4:3: YAML syntax: flow map in block collection must be sufficiently indented and end with a }',
    ]);
    expect(text('name: "unterminated\nduration: 1s\n')).toEqual([
      's.yaml:1:7: YAML syntax: this quote is never closed',
    ]);
    expect(text("name: x\nduration: '1s\n")).toEqual([
      's.yaml:2:11: YAML syntax: this quote is never closed',
    ]);
  });

  it('refuses an alias bomb nested many levels deep, at the alias that multiplies', () => {
    expect(fixture('alias-bomb.yaml')).toEqual([
      `${FIXTURES}/alias-bomb.yaml:4:8: too many aliases: anchors and aliases here expand to more than 100 copies; write the values out instead`,
    ]);
  });

  it('says when the file is empty, holds only comments, is a list or holds two documents', () => {
    expect(fixture('empty.yaml')).toEqual([
      `${FIXTURES}/empty.yaml:1:1: the file is empty: expected a mapping of keys to values`,
    ]);
    expect(fixture('only-comment.yaml')).toEqual([
      `${FIXTURES}/only-comment.yaml:1:1: the file is empty: expected a mapping of keys to values`,
    ]);
    expect(fixture('top-level-list.yaml')).toEqual([
      `${FIXTURES}/top-level-list.yaml:1:1: the top level must be a mapping of keys to values, got a list`,
    ]);
    expect(fixture('two-documents.yaml')).toEqual([
      `${FIXTURES}/two-documents.yaml:3:1: a second YAML document starts here; a file holds one (remove the "---" line or split the file)`,
    ]);
  });

  it('names the path of a file that is missing or is a directory', () => {
    const missing = join(tmp, 'nope.yaml');
    expect(problemLines(() => loadYamlFile(missing, sampleScenario))).toEqual([
      `${missing}:1:1: cannot read: no such file`,
    ]);
    expect(problemLines(() => loadYamlFile(tmp, sampleScenario))).toEqual([
      `${tmp}:1:1: cannot read: it is a directory`,
    ]);
  });

  it('refuses a file over the size limit without parsing it', () => {
    const huge = join(tmp, 'huge.yaml');
    writeFileSync(huge, `name: x\n${'# padding padding padding padding\n'.repeat(40_000)}`);
    expect(problemLines(() => loadYamlFile(huge, sampleScenario))).toEqual([
      `${huge}:1:1: file too large (1360008 bytes): a scenario may be at most 1024 KiB`,
    ]);
    const atLimit = `${minimal}${'#'.repeat(MAX_YAML_BYTES - minimal.length - 1)}\n`;
    expect(Buffer.byteLength(atLimit)).toBe(MAX_YAML_BYTES);
    expect(text(atLimit)).toBe('loaded');
    expect(text(`${atLimit}#`)).toEqual([
      's.yaml:1:1: file too large (1048577 bytes): a scenario may be at most 1024 KiB',
    ]);
  });

  it('refuses text that is not UTF-8', () => {
    const latin1 = join(tmp, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from('name: caf\xe9\n', 'latin1'));
    expect(problemLines(() => loadYamlFile(latin1, sampleScenario))).toEqual([
      `${latin1}:1:1: not UTF-8 text: save the file as UTF-8`,
    ]);
  });
});

describe('loadYamlText messages', () => {
  it('loads the minimal scenario', () => {
    expect(text(minimal)).toBe('loaded');
  });

  it('points a missing key at the mapping that should hold it', () => {
    expect(text('# header\n\nname: x\nupstreams:\n  - { name: a }\n')).toEqual([
      's.yaml:3:1: duration: required',
      's.yaml:3:1: load: required',
    ]);
    expect(text(`${minimal}balancer:\n  retry:\n    budget: 5%\n`)).toEqual([
      's.yaml:6:3: balancer.strategy: required (one of round-robin, weighted-round-robin, p2c, least-conn)',
      's.yaml:7:5: balancer.retry.attempts: required',
    ]);
  });

  it('shows an empty value at its key', () => {
    expect(text(`${minimal}balancer:\n`)).toEqual([
      's.yaml:5:1: balancer: expected a mapping, got an empty value',
    ]);
  });

  it('describes wrong types in the words of the file', () => {
    expect(text(minimal.replace('upstreams: [{ name: a }]', 'upstreams: { name: a }'))).toEqual([
      's.yaml:3:12: upstreams: expected a list, got a mapping',
    ]);
    expect(text(minimal.replace('upstreams: [{ name: a }]', 'upstreams: []'))).toEqual([
      's.yaml:3:12: upstreams: must not be empty',
    ]);
    expect(text(`${minimal}seed: 1.5\n`)).toEqual([
      's.yaml:5:7: seed: expected an integer, got number 1.5',
    ]);
    expect(text(minimal.replace('name: a', 'name: a, backup: "yes"'))).toEqual([
      's.yaml:3:32: upstreams[0].backup: expected true or false, got string "yes"',
    ]);
    expect(text(minimal.replace('name: a', 'name: a, weight: 0'))).toEqual([
      's.yaml:3:32: upstreams[0].weight: must be greater than 0',
    ]);
  });

  it('keeps the messages of the unit types', () => {
    expect(text(minimal.replace('1s', 'true'))).toEqual([
      's.yaml:2:11: duration: expected a duration such as "250ms"',
    ]);
    expect(text(minimal.replace('1/s', '"1"'))).toEqual([
      's.yaml:4:33: load.rate: invalid rate "1": write count/unit with a unit of s, min (or m), h — e.g. "200/s", "500/min"',
    ]);
  });

  it('follows the branch of a union the value was meant for', () => {
    const schema = z.strictObject({
      target: z.union([
        z.strictObject({ url: z.string(), timeout: zDuration }),
        z.strictObject({ host: z.string(), port: z.int() }),
      ]),
      size: z.union([z.number(), z.literal('auto')]),
    });
    expect(text('target: { host: h, port: "80" }\nsize: big\n', schema)).toEqual([
      's.yaml:1:26: target.port: expected a number, got string "80"',
      's.yaml:2:7: size: expected a number or "auto", got string "big"',
    ]);
    expect(text('target: 5\nsize: 1\n', schema)).toEqual([
      's.yaml:1:9: target: expected a mapping, got number 5',
    ]);
  });

  it('suggests known keys through optional, default, pipe, transform, record, array and union', () => {
    const inner = z.strictObject({ timeout: zDuration, retries: z.int().optional() });
    const schema = z.strictObject({
      a: inner.optional(),
      b: inner.prefault({ timeout: '1s' }),
      c: inner.transform((v) => v.timeout).pipe(z.number()),
      d: z.record(z.string(), inner),
      e: z.array(inner.nullable()),
      f: z.union([z.string(), inner]),
      g: z.discriminatedUnion('kind', [inner.extend({ kind: z.literal('x') })]),
    });
    const source = [
      'a: { timeout: 1s, retires: 1 }',
      'b: { timout: 1s }',
      'c: { timeout: 1s, Retries: 1 }',
      'd: { one: { timeot: 1s } }',
      'e: [~, { timeout: 1s, retris: 1 }]',
      'f: { timeout: 1s, retriess: 1 }',
      'g: { kind: x, timeout: 1s, tiemout: 2s }',
    ].join('\n');
    expect(text(source, schema)).toEqual([
      's.yaml:1:19: a.retires: unknown key, did you mean retries?',
      's.yaml:2:4: b.timeout: required',
      's.yaml:2:6: b.timout: unknown key, did you mean timeout?',
      's.yaml:3:19: c.Retries: unknown key, did you mean retries?',
      's.yaml:4:11: d.one.timeout: required',
      's.yaml:4:13: d.one.timeot: unknown key, did you mean timeout?',
      's.yaml:5:23: e[1].retris: unknown key, did you mean retries?',
      's.yaml:6:19: f.retriess: unknown key, did you mean retries?',
      's.yaml:7:28: g.tiemout: unknown key, did you mean timeout?',
    ]);
  });

  it('keeps problems from a duplicate key next to the schema problems', () => {
    expect(text(`${minimal}name: y\nseed: x\n`)).toEqual([
      's.yaml:5:1: name: duplicate key (first set at line 1)',
      's.yaml:6:7: seed: expected a number, got string "x"',
    ]);
  });

  it('merges `<<` keys and shows a problem in a merged value where it is written', () => {
    const merged = [
      'name: x',
      'duration: 1s',
      'upstreams:',
      '  - &base { name: a, weight: 2, capacity: 8 }',
      '  - { <<: *base, name: b }',
      '  - <<: [*base]',
      '    name: c',
      '    capacity: 3',
      'load: { arrival: poisson, rate: 1/s }',
    ].join('\n');
    const scenario = loadYamlText('m.yaml', merged, sampleScenario);
    expect(scenario.upstreams.map((u) => [u.name, u.weight, u.capacity])).toEqual([
      ['a', 2, 8],
      ['b', 2, 8],
      ['c', 2, 3],
    ]);
    expect(text(merged.replace('weight: 2', 'weight: heavy'))).toEqual([
      's.yaml:4:30: upstreams[0].weight: expected a number, got string "heavy"',
      's.yaml:4:30: upstreams[1].weight: expected a number, got string "heavy"',
      's.yaml:4:30: upstreams[2].weight: expected a number, got string "heavy"',
    ]);
  });

  it('reports an alias to an anchor that is not defined before it', () => {
    expect(text(`${minimal}faults: *later\n`)).toEqual([
      's.yaml:5:9: unknown alias *later: define the anchor &later before using it',
    ]);
  });

  it('reports an unknown tag', () => {
    expect(text(minimal.replace('name: x', 'name: !!shout x'))).toEqual([
      's.yaml:1:7: unknown tag !!shout',
    ]);
  });

  it('stops listing after the cap and says how many more there were', () => {
    const many = Array.from({ length: MAX_PROBLEMS + 7 }, (_, i) => `k${i}: 1`).join('\n');
    const lines = text(`${minimal}${many}\n`);
    expect(lines).toHaveLength(MAX_PROBLEMS + 1);
    expect(lines[MAX_PROBLEMS]).toBe(`s.yaml:${5 + MAX_PROBLEMS}:1: and 7 more problems not shown`);
  });

  it('says that absurdly deep nesting is nested too deeply, once', () => {
    const lines = text(`a: ${'['.repeat(100_000)}${']'.repeat(100_000)}`, z.any());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^s\.yaml:1:\d+: nested too deeply$/);
  });

  it('carries each problem as data for callers that print their own way', () => {
    try {
      loadYamlText('s.yaml', minimal.replace('name: x', 'name: 5'), sampleScenario);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).problems[0]).toEqual({
        file: 's.yaml',
        line: 1,
        col: 7,
        path: 'name',
        message: 'expected a string, got number 5',
      });
    }
  });
});
