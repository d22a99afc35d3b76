import { createWriteStream, existsSync, openSync, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { stopSignals, type StopSignals } from '../interrupt.js';
import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { parseDuration } from '../../core/units.js';
import { createProxy, type Proxy, type ProxyUpstream } from '../../live/proxy/proxy.js';
import { loadScenario, toGatewayConfig, type Scenario } from '../../scenario/scenario.js';
import { startFleet, type Fleet } from '../../../fakes/fleet.js';

function port(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('must be a port number 0..65535');
  return n;
}

function drainTime(text: string): number {
  if (text.trim() === '0') return 0;
  try {
    return parseDuration(text);
  } catch {
    throw new InvalidArgumentError('must be a duration such as 30s, 500ms or 0');
  }
}

/**
 * The first signal drains (requests in flight finish, new connections are refused); a second
 * one, or the end of the grace time, abandons what is left.
 */
async function drainOrStop(proxy: Proxy, graceMs: number, signals: StopSignals): Promise<void> {
  const n = proxy.inflight;
  if (n > 0 && graceMs > 0)
    process.stderr.write(
      `lbsim: draining ${n} request${n === 1 ? '' : 's'} in flight for up to ${graceMs / 1000} s (Ctrl-C again to stop at once)\n`,
    );
  const drained = proxy.drain(graceMs);
  await Promise.race([drained, signals.next()]);
  await proxy.close();
  await drained;
}

/** The access log, opened now so a path that cannot be written is bad input, not a crash later. */
function openLog(path: string): WriteStream {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (err) {
    throw new UsageError(`--log: cannot write ${path} (${(err as NodeJS.ErrnoException).code})`);
  }
  return createWriteStream(path, { fd });
}

function closeLog(log: WriteStream | null): Promise<void> {
  return log === null ? Promise.resolve() : new Promise((resolve) => log.end(() => resolve()));
}

/** Keys come from the environment; a missing one is named, its value never shown anywhere. */
function upstreamsOf(s: Scenario, fleet: Fleet | null): ProxyUpstream[] {
  return s.upstreams.map((u, i) => {
    let apiKey: string | undefined;
    if (u.apiKeyEnv !== undefined) {
      apiKey = process.env[u.apiKeyEnv];
      if (apiKey === undefined || apiKey === '')
        throw new UsageError(
          `upstreams[${i}] (${u.name}): environment variable ${u.apiKeyEnv} is not set`,
        );
    }
    const url = u.url ?? fleet?.servers.find((f) => f.upstream.name === u.name)?.url;
    if (url === undefined) throw new Error(`no fake was started for upstream ${u.name}`);
    // A fake answers with its own model; only a real upstream's `model` rewrites the request.
    return { name: u.name, url, apiKey, model: u.url !== undefined ? u.model : undefined };
  });
}

/** Upstreams without a `url:` are fakes: start them (and their faults) on loopback. */
async function startFakes(s: Scenario): Promise<Fleet | null> {
  const fakes = s.upstreams.filter((u) => u.url === undefined);
  if (fakes.length === 0) return null;
  const names = new Set(fakes.map((u) => u.name));
  return startFleet({
    seed: s.seed,
    upstreams: fakes,
    faults: (s.faults ?? []).filter((f) => names.has(f.upstream)),
  });
}

/** `lbsim gateway <file>`: the reference gateway alone, as an OpenAI-compatible proxy on loopback. */
export function registerGateway(program: Command): void {
  program
    .command('gateway')
    .description(
      'run the reference gateway of a scenario as an OpenAI-compatible HTTP proxy on 127.0.0.1 (its fake upstreams too), until Ctrl-C',
    )
    .argument('<file>', 'scenario YAML (its upstreams: and balancer: sections)')
    .option('--port <n>', 'listen on this port (default: any free port)', port)
    .addOption(
      new Option(
        '--drain <duration>',
        'on SIGINT/SIGTERM, let requests in flight finish for up to this long (0: stop at once)',
      )
        .default(30_000, '30s')
        .argParser(drainTime),
    )
    .option(
      '--log <file>',
      'append one NDJSON line per request (time, method, path, status, result, upstream, attempts, ms)',
    )
    .action(async (file: string, opts: { port?: number; drain: number; log?: string }) => {
      if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
      const scenario = loadScenario(file);
      const log = opts.log === undefined ? null : openLog(opts.log);
      const gateway = toGatewayConfig(scenario);
      const active = scenario.balancer?.health?.active;
      const fleet = await startFakes(scenario);
      let proxy: Proxy;
      try {
        proxy = await createProxy({
          gateway,
          upstreams: upstreamsOf(scenario, fleet),
          port: opts.port ?? 0,
          seed: String(scenario.seed ?? 1),
          probe: { method: active?.method ?? 'HEAD', path: active?.path ?? '/v1/models' },
          ...(log === null ? {} : { accessLog: (e) => log.write(`${JSON.stringify(e)}\n`) }),
        });
      } catch (err) {
        await fleet?.close();
        await closeLog(log);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new UsageError(`port ${opts.port} is already in use`);
        if (code === 'EACCES') throw new UsageError(`port ${opts.port} needs privileges`);
        if (err instanceof RangeError) throw new UsageError(err.message);
        throw err;
      }
      const signals = stopSignals();
      process.stdout.write(`${JSON.stringify({ url: proxy.url })}\n`);
      await signals.next();
      await drainOrStop(proxy, opts.drain, signals);
      await fleet?.close();
      await closeLog(log);
      signals.dispose();
    });
}
