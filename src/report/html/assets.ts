import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { scriptText } from './escape.js';

const require = createRequire(import.meta.url);
let cached: string | undefined;

// Neither package exports its browser build, so resolve the package's CommonJS entry (in dist/)
// and read the browser build next to it.
const besideEntry = (pkg: string, file: string): string =>
  join(dirname(require.resolve(pkg)), file);

/** chart.js and its annotation plugin (which registers itself), inlined so reports work offline. */
export function chartLibraries(): string {
  if (cached === undefined) {
    const files = [
      besideEntry('chart.js', 'chart.umd.min.js'),
      besideEntry('chartjs-plugin-annotation', 'chartjs-plugin-annotation.min.js'),
    ];
    cached = files.map((f) => scriptText(readFileSync(f, 'utf8'))).join('\n;\n');
  }
  return cached;
}
