import { z } from 'zod';
import { zScenario } from '../scenario/schema.js';
import { zDuration, zPercentage, zRate } from '../scenario/units-zod.js';

/**
 * The reference half of docs/scenarios.md, generated from the scenario schema so it cannot
 * drift: every key with its type or unit, whether it is required, and its description (which
 * states the default). `lbsim docs scenarios` prints it; a test compares it with the file.
 */

interface Node {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Node>;
  required?: string[];
  items?: Node;
  anyOf?: Node[];
  oneOf?: Node[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  additionalProperties?: Node | boolean;
  'x-unit'?: string;
}

interface Row {
  key: string;
  type: string;
  required: boolean;
  description: string;
}

// Keyed by definition: `.describe()` returns a copy of the schema that shares its definition.
const UNITS = new Map<unknown, string>([
  [zDuration._zod.def, 'duration ("250ms", "2s", "1min")'],
  [zRate._zod.def, 'rate ("200/s", "500/min")'],
  [zPercentage._zod.def, 'percentage ("0.5%")'],
]);

function jsonSchema(): Node {
  return z.toJSONSchema(zScenario, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const unit = UNITS.get(ctx.zodSchema._zod.def);
      if (unit !== undefined) (ctx.jsonSchema as Node)['x-unit'] = unit;
    },
  }) as Node;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function typeOf(n: Node): string {
  if (n['x-unit'] !== undefined) return n['x-unit'];
  if (n.const !== undefined) return JSON.stringify(n.const);
  if (n.enum !== undefined) return n.enum.map((e) => JSON.stringify(e)).join(' \\| ');
  const members = n.anyOf ?? n.oneOf;
  if (members !== undefined) return [...new Set(members.map(typeOf))].join(' \\| ');
  const t = Array.isArray(n.type) ? n.type.join(' or ') : (n.type ?? 'any');
  if (t === 'array') return `list of ${n.items === undefined ? 'any' : typeOf(n.items)}`;
  if (t === 'integer' || t === 'number') {
    const lo = n.minimum !== undefined ? `≥ ${n.minimum}` : '';
    const hi = n.maximum !== undefined && n.maximum < MAX_SAFE ? `≤ ${n.maximum}` : '';
    const range = [lo, hi].filter((s) => s !== '').join(', ');
    return range === '' ? t : `${t} (${range})`;
  }
  if (t === 'object' && n.properties === undefined && typeof n.additionalProperties === 'object')
    return `map of ${typeOf(n.additionalProperties)}`;
  return t;
}

/** The discriminator value of a union member ("kind: error"), to tell members apart in paths. */
function tagOf(n: Node): string | undefined {
  for (const [k, p] of Object.entries(n.properties ?? {})) {
    if (p.const !== undefined && n.required?.includes(k)) return `${k}: ${String(p.const)}`;
  }
  return undefined;
}

function walk(n: Node, path: string, out: Row[]): void {
  const members = n.anyOf ?? n.oneOf;
  if (members !== undefined) {
    for (const m of members) {
      const tag = tagOf(m);
      walk(m, tag === undefined ? path : `${path} (${tag})`, out);
    }
    return;
  }
  if (n.items !== undefined) {
    walk(n.items, `${path}[]`, out);
    return;
  }
  for (const [key, p] of Object.entries(n.properties ?? {})) {
    if (key === '$schema') continue;
    const full = path === '' ? key : `${path}.${key}`;
    out.push({
      key: full,
      type: typeOf(p),
      required: n.required?.includes(key) ?? false,
      description: p.description ?? '',
    });
    walk(p, full, out);
  }
}

const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

/** Markdown: one table per top-level section. */
export function scenarioReference(): string {
  const rows: Row[] = [];
  walk(jsonSchema(), '', rows);
  const sections = new Map<string, Row[]>();
  for (const r of rows) {
    const top = r.key.split(/[.[ ]/)[0]!;
    const list = sections.get(top) ?? [];
    list.push(r);
    sections.set(top, list);
  }
  const out: string[] = [];
  for (const [top, list] of sections) {
    out.push(`### \`${top}\``, '', '| key | type or unit | required | meaning and default |');
    out.push('| --- | --- | --- | --- |');
    for (const r of list) {
      const type = r.type.replaceAll('|', '\\|').replaceAll('\\\\|', '\\|');
      out.push(
        `| \`${cell(r.key)}\` | ${type} | ${r.required ? 'yes' : ''} | ${cell(r.description)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
