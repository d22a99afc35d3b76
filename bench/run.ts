/** `npm run bench`: runs every bench/*.bench.ts (or those named on the command line) in turn. */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const dir = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') || f.endsWith('.bench.js'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as {
    run?: () => Promise<void> | void;
  };
  if (typeof mod.run === 'function') await mod.run();
}
