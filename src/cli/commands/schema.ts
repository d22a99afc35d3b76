import type { Command } from 'commander';
import { z } from 'zod';
import { UsageError } from '../../core/errors.js';
import { zRunResult } from '../../run/result-schema.js';
import { zScenario } from '../../scenario/schema.js';

const SCHEMAS = {
  scenario: () => z.toJSONSchema(zScenario, { io: 'input', unrepresentable: 'any' }),
  result: () => z.toJSONSchema(zRunResult, { io: 'output', unrepresentable: 'any' }),
} as const;

/** The JSON Schema of a scenario file (for editors) or of result.json. */
export function jsonSchema(which: string): object {
  if (!(which in SCHEMAS)) {
    throw new UsageError(
      `schema must be one of ${Object.keys(SCHEMAS).join(', ')}, got ${JSON.stringify(which)}`,
    );
  }
  const title = which === 'scenario' ? 'lbsim scenario' : 'lbsim result.json';
  return { title, ...SCHEMAS[which as keyof typeof SCHEMAS]() };
}

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description(
      'print the JSON Schema of scenario files (for editors: # yaml-language-server: $schema=...) or of result.json',
    )
    .argument('[which]', 'scenario or result', 'scenario')
    .action((which: string) => {
      process.stdout.write(`${JSON.stringify(jsonSchema(which), null, 2)}\n`);
    });
}
