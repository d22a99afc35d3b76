import { createWriteStream, existsSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import type { Command } from 'commander';
import { stopSignals } from '../interrupt.js';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../core/errors.js';
import { loadYamlFile } from '../../scenario/load.js';
import { zFakeFile } from '../../../fakes/config.js';
import { startFleet } from '../../../fakes/fleet.js';

function portBase(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new InvalidArgumentError('must be a port number 1..65535');
  return n;
}

/** `lbsim fake <file>`: the file's fake upstreams on loopback until Ctrl-C, for chaos-testing a gateway. */
export function registerFake(program: Command): void {
  program
    .command('fake')
    .description(
      'start the fake upstreams of a scenario file on 127.0.0.1 and apply its faults on the real clock, until Ctrl-C',
    )
    .argument('<file>', 'scenario YAML (its upstreams: and faults: sections)')
    .option('--port-base <n>', 'upstreams without a port: listen on n, n+1, ...', portBase)
    .option(
      '--log <file>',
      'append one NDJSON line per request (time, upstream, key, attempt, outcome)',
    )
    .action(async (file: string, opts: { portBase?: number; log?: string }) => {
      if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
      const scenario = loadYamlFile(file, zFakeFile);
      let log: WriteStream | undefined;
      if (opts.log !== undefined) log = createWriteStream(opts.log, { flags: 'a' });
      const fleet = await startFleet(scenario, {
        ...(opts.portBase === undefined ? {} : { portBase: opts.portBase }),
        ...(log ? { log } : {}),
      });
      const signals = stopSignals();
      for (const s of fleet.servers)
        process.stdout.write(`${JSON.stringify({ name: s.upstream.name, url: s.url })}\n`);
      process.stderr.write(
        `lbsim fake: ${fleet.servers.length} upstream(s) listening; control API at <url>/../__lbsim/state; Ctrl-C to stop\n`,
      );
      await signals.next();
      await fleet.close();
      if (log) await new Promise<void>((r) => log.end(() => r()));
      signals.dispose();
    });
}
