import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The comment block at the top of a scenario file, without `#` and the schema modeline. */
export function leadingComment(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    if (line.includes('yaml-language-server:')) continue;
    lines.push(line.replace(/^# ?/, ''));
  }
  while (lines[0] === '') lines.shift();
  while (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Paragraphs joined into single lines, so the Markdown does not depend on the YAML's wrapping. */
function paragraphs(lines: readonly string[]): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  for (const l of lines) {
    if (l.trim() === '') {
      if (cur.length > 0) out.push(cur.join(' '));
      cur = [];
    } else cur.push(l.trim());
  }
  if (cur.length > 0) out.push(cur.join(' '));
  return out;
}

/**
 * One section per scenario of the library, written from the comment that opens the file: the
 * same words the user reads when copying it, so the two cannot disagree.
 */
export function libraryDocs(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const out: string[] = [];
  for (const f of files) {
    const [title = f, ...rest] = paragraphs(leadingComment(readFileSync(join(dir, f), 'utf8')));
    out.push(`### [\`${f}\`](../scenarios/${f})`, '', `**${title}**`, '');
    for (const p of rest) out.push(p, '');
    out.push(
      `Run it: \`lbsim run scenarios/${f}\` · compare its variants: \`lbsim compare scenarios/${f}\``,
      '',
    );
  }
  return out.join('\n');
}
