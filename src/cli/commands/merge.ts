import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { readCompare } from '../../compare/compare-file.js';
import { mergeShards } from '../../compare/shard.js';
import { compareDirFor, writeCompare } from './compare.js';

/** A directory stands for its compare.json. */
function compareJsonOf(path: string): string {
  try {
    if (statSync(path).isDirectory()) return join(path, 'compare.json');
  } catch {
    // readCompare says the file is missing
  }
  return path;
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description(
      'assemble the compare.json of every shard (lbsim compare --shard i/n) into one comparison and its report',
    )
    .argument('<dirs...>', 'shard output directories (or their compare.json files)')
    .option('--out <dir>', 'output directory (default reports/<scenario file name>-compare)')
    .option('--quiet', 'print nothing but errors')
    .action((dirs: string[], o: { out?: string; quiet?: boolean }) => {
      const parts = dirs
        .map(compareJsonOf)
        .map((source) => ({ source, compare: readCompare(source) }));
      const merged = mergeShards(parts);
      writeCompare(compareDirFor(merged.scenario.file, o.out), merged, o.quiet === true);
    });
}
