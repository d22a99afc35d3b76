import type { Command } from 'commander';
import { registerRun } from './run.js';
import { registerCompare } from './compare.js';
import { registerMerge } from './merge.js';
import { registerBaseline } from './baseline.js';
import { registerSchema } from './schema.js';
import { registerValidate } from './validate.js';
import { registerFake } from './fake.js';
import { registerGateway } from './gateway.js';
import { registerDocs } from './docs.js';

/** Each command lives in its own file and registers itself here. */
export function registerCommands(program: Command): void {
  registerRun(program);
  registerCompare(program);
  registerMerge(program);
  registerBaseline(program);
  registerValidate(program);
  registerSchema(program);
  registerFake(program);
  registerGateway(program);
  registerDocs(program);
}
