import { Command, CommanderError } from 'commander';
import { InputError, UsageError } from '../core/errors.js';
import { registerCommands } from './commands/index.js';
import { VERSION } from './version.js';

export function buildProgram(): Command {
  const program = new Command('lbsim')
    .description(
      'Load-balancer simulator and chaos bench for AI API gateways: what users see when a provider fails.',
    )
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  return program;
}

/** The only place that touches argv and process.exit. Exit 2 for bad input, 1 for failed checks. */
export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv as string[]);
  } catch (err) {
    process.exitCode = exitCodeFor(err);
    if (err instanceof CommanderError) return; // commander already printed its message
    process.stderr.write(`lbsim: ${err instanceof InputError ? err.message : messageOf(err)}\n`);
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  if (err instanceof InputError || err instanceof UsageError) return 2;
  return 1;
}

function messageOf(err: unknown): string {
  if (err instanceof UsageError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
