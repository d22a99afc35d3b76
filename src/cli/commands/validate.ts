import type { Command } from 'commander';
import { loadScenario } from '../../scenario/scenario.js';
import { toGatewayConfig } from '../../scenario/scenario.js';
import { createGateway } from '../../gateway/gateway.js';
import { VirtualScheduler } from '../../core/virtual-scheduler.js';
import { Rng } from '../../core/rng.js';
import { InputError } from '../../core/errors.js';

/**
 * Checks scenario files without running them: the schema with positions, then the gateway
 * configuration as the core would build it (cross-field rules such as maxOpenFor >= openFor).
 */
export function validateFile(file: string): string {
  const s = loadScenario(file);
  try {
    const gw = createGateway(toGatewayConfig(s), {
      scheduler: new VirtualScheduler(),
      rng: new Rng('validate'),
      transport: { send() {} },
      listener: {},
      probe: () => ({ cancel() {} }),
    });
    gw.dispose();
  } catch (err) {
    if (err instanceof RangeError) {
      throw new InputError([{ file, line: 1, col: 1, path: 'balancer', message: err.message }]);
    }
    throw err;
  }
  return `${file}: ok (${s.upstreams.length} upstreams, ${(s.faults ?? []).length} faults)`;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check scenario files without running them; exit 2 with one line per problem')
    .argument('<files...>', 'scenario files (YAML)')
    .action((files: string[]) => {
      const problems: InputError[] = [];
      for (const f of files) {
        try {
          process.stdout.write(`${validateFile(f)}\n`);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          problems.push(err);
        }
      }
      if (problems.length > 0) throw new InputError(problems.flatMap((p) => p.problems));
    });
}
