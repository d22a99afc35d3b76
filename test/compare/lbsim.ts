import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Runs the CLI from source, as a user would run bin/lbsim.js. */
export function lbsim(args: string[], cwd = process.cwd()) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(process.cwd(), 'test/cli/entry.ts'), ...args],
    { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' } },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
