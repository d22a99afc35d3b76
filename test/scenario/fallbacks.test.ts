import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseScenario, toGatewayConfig } from '../../src/scenario/scenario.js';
import { runSimulation } from '../../src/sim/engine.js';

/**
 * A small model with a 1000-token context window and a large one kept as a backup. Prompts of
 * 100 to 2000 tokens with 50 tokens to answer: about half do not fit the small model.
 */
const scenario = (balancer: string): string => `
seed: 7
duration: 20s
upstreams:
  - { name: small, latency: 20ms, contextWindow: 1000, price: { input: 1, output: 1 } }
  - { name: large, latency: 40ms, backup: true, price: { input: 10, output: 10 } }
load: { arrival: constant, rate: 50/s, promptTokens: { min: 100, max: 2000 }, maxTokens: 50 }
${balancer}
`;

const WITH_FALLBACK = `balancer:
  retry: { attempts: 2 }
  fallbacks:
    - on: context_length_exceeded
      to: [large]
`;

function problems(file: string, text: string): string[] {
  try {
    parseScenario(file, text);
  } catch (err) {
    if (err instanceof InputError) return err.message.split('\n');
    throw err;
  }
  return [];
}

/** "line:col" of the first `needle` in `text` at or after line `fromLine` (1-based). */
function pos(text: string, needle: string, fromLine = 1): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l, k) => k >= fromLine - 1 && l.includes(needle));
  return `${i + 1}:${lines[i]!.indexOf(needle) + 1}`;
}

const tmp = mkdtempSync(join(tmpdir(), 'lbsim-fallbacks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('balancer.fallbacks in a scenario', () => {
  it('reaches the gateway configuration as names, in order', () => {
    const s = parseScenario(
      's.yaml',
      scenario(`balancer:
  fallbacks:
    - { on: context_length_exceeded, to: [large, small] }
    - { on: content_policy_violation, to: [large] }
`),
    );
    expect(toGatewayConfig(s).fallbacks).toEqual([
      { on: 'context_length_exceeded', to: ['large', 'small'] },
      { on: 'content_policy_violation', to: ['large'] },
    ]);
    expect(toGatewayConfig(parseScenario('s.yaml', scenario(''))).fallbacks).toBeUndefined();
  });

  it('reports an unknown upstream, an empty group and a repeated code at their file:line:col', () => {
    const text = scenario(`balancer:
  fallbacks:
    - { on: context_length_exceeded, to: [large, huge] }
    - { on: context_length_exceeded, to: [] }
`);
    const second = Number(pos(text, 'to: []').split(':')[0]);
    expect(problems('s.yaml', text)).toEqual([
      `s.yaml:${pos(text, 'huge')}: balancer.fallbacks[0].to[1]: no upstream named "huge" (upstreams: small, large)`,
      `s.yaml:${pos(text, 'context_length_exceeded', second)}: balancer.fallbacks[1].on: "context_length_exceeded" is already the code of an earlier fallback`,
      `s.yaml:${pos(text, '[]')}: balancer.fallbacks[1].to: name at least one upstream`,
    ]);
  });

  it('checks the names of a compare variant’s fallbacks too', () => {
    const text = `${scenario('')}compare:
  variants:
    - name: bigger
      balancer: { fallbacks: [{ on: context_length_exceeded, to: [largest] }] }
`;
    expect(problems('s.yaml', text)).toEqual([
      `s.yaml:${pos(text, 'largest')}: compare.variants[0].balancer.fallbacks[0].to[0]: no upstream named "largest" (upstreams: small, large)`,
    ]);
  });

  it('lbsim validate answers an unknown name with its position and exit code 2', () => {
    const file = join(tmp, 'bad.yaml');
    const text = scenario(`balancer:
  fallbacks: [{ on: context_length_exceeded, to: [lrage] }]
`);
    writeFileSync(file, text);
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(process.cwd(), 'test/cli/entry.ts'), 'validate', file],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      `lbsim: ${file}:${pos(text, 'lrage')}: balancer.fallbacks[0].to[0]: no upstream named "lrage" (upstreams: small, large)`,
    );
  });
});

describe('context-length fallback in the simulator', () => {
  it('answers prompts too long for the small model from the large one, once each', () => {
    const without = runSimulation(parseScenario('s.yaml', scenario(''))).metrics.summary;
    const run = runSimulation(parseScenario('s.yaml', scenario(WITH_FALLBACK))).metrics;
    const m = run.summary;

    // Without the rule, the 400 is final: about half the requests fail as 4xx.
    expect(without.errorsByClass['4xx'] / without.requests).toBeGreaterThan(0.4);
    expect(without.attemptsPerUpstream.large).toBe(0);

    // With it, every request is answered; each long one cost one attempt at small and one at large.
    expect(m.requests).toBe(without.requests);
    expect(m.ok).toBe(m.requests);
    const moved = m.attemptsPerUpstream.large!;
    expect(moved).toBe(without.errorsByClass['4xx']);
    expect(m.attemptsPerUpstream.small).toBe(m.requests);
    expect(m.attempts).toBe(m.requests + moved);
    // Moves are not retries.
    expect(m.retries).toBe(0);
    // The large model served exactly the prompts that do not fit the small one's window.
    const perUpstream = m.cost!.perUpstream;
    expect(perUpstream.large!.promptTokens / moved).toBeGreaterThan(950);
    expect(perUpstream.small!.promptTokens / (m.requests - moved)).toBeLessThanOrEqual(950);
    expect(run.invariants.filter((i) => !i.pass)).toEqual([]);
  });

  it('is deterministic: the same scenario and seed give byte-identical metrics', () => {
    const a = JSON.stringify(runSimulation(parseScenario('s.yaml', scenario(WITH_FALLBACK))));
    const b = JSON.stringify(runSimulation(parseScenario('s.yaml', scenario(WITH_FALLBACK))));
    expect(a).toBe(b);
  });
});

describe('lbsim gateway with balancer.fallbacks', () => {
  it('answers a prompt too long for the small model from the large one, over HTTP', async () => {
    const file = join(tmp, 'gateway.yaml');
    writeFileSync(
      file,
      `duration: 5s
upstreams:
  - { name: small, model: small-model, latency: 2ms, contextWindow: 50 }
  - { name: large, model: large-model, latency: 2ms, backup: true }
balancer:
  fallbacks: [{ on: context_length_exceeded, to: [large] }]
load: { rate: 1/s }
`,
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(process.cwd(), 'test/cli/entry.ts'), 'gateway', file],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const rl = createInterface({ input: child.stdout });
        rl.once('line', (l) => {
          rl.close();
          resolve(l);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before listening`)));
      });
      const { url } = JSON.parse(line) as { url: string };
      const ask = async (content: string) => {
        const res = await fetch(`${url}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'any', messages: [{ role: 'user', content }] }),
        });
        const body = (await res.json()) as { model: string };
        return [res.status, body.model, res.headers.get('x-lbsim-attempts')];
      };
      expect(await ask('x'.repeat(1000))).toEqual([200, 'large-model', '2']);
      expect(await ask('hello')).toEqual([200, 'small-model', '1']);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
