import type { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { scenariosMarkdown } from '../../docs/scenarios-md.js';

export function registerDocs(program: Command): void {
  program
    .command('docs')
    .description('print generated documentation: `lbsim docs scenarios > docs/scenarios.md`')
    .argument('<which>', 'scenarios')
    .option('--dir <dir>', 'the scenario library to describe', 'scenarios')
    .action((which: string, opts: { dir: string }) => {
      if (which !== 'scenarios')
        throw new UsageError(`docs must be one of scenarios, got ${JSON.stringify(which)}`);
      process.stdout.write(scenariosMarkdown(resolve(opts.dir)));
    });
}
