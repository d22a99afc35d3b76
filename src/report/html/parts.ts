import { escapeAttr, escapeHtml } from './escape.js';

/** Small HTML building blocks shared by the run and the comparison pages. Inputs are raw text. */

export function card(label: string, value: string, note: string, failed = false): string {
  return `<div class="card${failed ? ' fail' : ''}"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="note">${escapeHtml(note)}</div></div>`;
}

export function verdict(pass: boolean, passText = 'PASS', failText = 'FAIL'): string {
  return pass
    ? `<span class="verdict pass">${passText}</span>`
    : `<span class="verdict fail">${failText}</span>`;
}

/** A cell: raw text, or `{ html }` for markup built here from escaped parts. */
export type Cell = string | { html: string; className?: string };

function cell(tag: 'td' | 'th', c: Cell, numeric: boolean): string {
  const text = typeof c === 'string' ? escapeHtml(c) : c.html;
  const classes = [numeric ? 'num' : '', typeof c === 'string' ? '' : (c.className ?? '')]
    .filter((x) => x !== '')
    .join(' ');
  return `<${tag}${classes === '' ? '' : ` class="${classes}"`}>${text}</${tag}>`;
}

/** A table; `numeric[i]` right-aligns column i. */
export function table(
  caption: string,
  head: string[],
  rows: Cell[][],
  numeric: boolean[] = [],
): string {
  const th = head.map((h, i) => cell('th', h, numeric[i] ?? false)).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => cell('td', c, numeric[i] ?? false)).join('')}</tr>`)
    .join('\n');
  return `<div class="wrap"><table aria-label="${escapeAttr(caption)}"><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

export function swatch(color: string): string {
  return `<span class="swatch" style="background:${escapeAttr(color)}" aria-hidden="true"></span>`;
}

/** A chart: its canvas (role img, labelled) in a figure with a title and a line on how to read it. */
export function figure(
  id: string,
  title: string,
  caption: string,
  description: string,
  options: { height?: number; small?: boolean } = {},
): string {
  const style = options.height === undefined ? '' : ` style="height:${options.height}px"`;
  return `<figure>
<h3>${escapeHtml(title)}</h3>
<figcaption>${escapeHtml(caption)}</figcaption>
<div class="chart${options.small === true ? ' small' : ''}"${style}><canvas id="chart-${escapeAttr(id)}" role="img" aria-label="${escapeAttr(`${title}: ${description}`)}">${escapeHtml(description)}</canvas></div>
</figure>`;
}
