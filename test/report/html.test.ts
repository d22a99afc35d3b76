import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderCompareHtml } from '../../src/report/html/compare-page.js';
import { renderRunHtml } from '../../src/report/html/run-page.js';
import {
  compareFixture,
  hostile,
  OUTAGE_YAML,
  SCRIPT_PAYLOAD,
  simulate,
  simulateUncached,
  STREAMING_YAML,
  UPSTREAM_PAYLOAD,
} from './simulate.js';

const outage = simulate(OUTAGE_YAML);

/** The page's own markup and script, without the inlined chart.js and plugin. */
function ownParts(html: string): string {
  return html.replace(/<script>\/\*!\s*\n \* Chart\.js[\s\S]*?<\/script>/, '<script>LIBS</script>');
}

function embeddedData(html: string): unknown {
  const m = /<script type="application\/json" id="lbsim-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(m![1]!);
}

describe('HTML run report (as text)', () => {
  it('is self-contained: libraries inlined, data embedded, nothing fetched', () => {
    const html = renderRunHtml(outage, OUTAGE_YAML);
    expect(html).toContain('Chart.js v4');
    expect(html).toContain('chartjs-plugin-annotation');
    const own = ownParts(html);
    expect(own).toContain('<script>LIBS</script>');
    expect(own).not.toMatch(/\s(src|href|action|srcset|poster)=/i);
    expect(own).not.toMatch(/<(link|img|iframe|object|embed|base)\b/i);
    expect(own).not.toMatch(/url\(|@import|https?:\/\//i);
    expect(own).toContain("default-src 'none'");
    // three script elements (data, libraries, page script), each closed exactly once
    expect(html.match(/<script\b/g)).toHaveLength(3);
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it('has the cards, tables, one labelled canvas per chart and the scenario collapsed', () => {
    const html = renderRunHtml(outage, OUTAGE_YAML);
    for (const label of [
      'verdict',
      'success',
      'latency p99',
      'worst failover',
      'SLOs met',
      'invariants held',
      'run',
    ])
      expect(html).toContain(`<div class="label">${label}</div>`);
    expect(html).toContain('<div class="value">seed 7</div>');
    const canvases = [
      ...html.matchAll(/<canvas id="chart-([a-z-]+)" role="img" aria-label="([^"]+)"/g),
    ];
    expect(canvases.map((m) => m[1])).toEqual([
      'latency',
      'outcomes',
      'share',
      'states',
      'amplification',
    ]);
    expect(html).toMatch(/<details><summary>test\.yaml<\/summary><pre>name: short outage/);
    const data = embeddedData(html) as { faults: { label: string; marks: { kind: string }[] }[] };
    expect(data.faults[0]!.label).toBe('primary down (clients unaffected)');
    expect(data.faults[0]!.marks.map((m) => m.kind)).toEqual(['detected', 'recovered']);
  });

  it('adds time to first token and inter-token charts for a streaming run', () => {
    const html = renderRunHtml(simulate(STREAMING_YAML), STREAMING_YAML);
    expect(html).toContain('id="chart-ttft"');
    expect(html).toContain('id="chart-itl"');
    expect(html).toContain('<div class="label">TTFT p99</div>');
  });

  it('escapes every hostile string: the payloads never appear raw', () => {
    const h = hostile(outage);
    const yaml = `name: "${SCRIPT_PAYLOAD}"\n# ${UPSTREAM_PAYLOAD}\n`;
    const html = ownParts(renderRunHtml(h, yaml));
    expect(html).not.toContain(SCRIPT_PAYLOAD);
    expect(html).not.toContain(UPSTREAM_PAYLOAD);
    expect(html).not.toMatch(/<(img|svg|b)\b/i);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('<h1>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain(
      '<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; — lbsim</title>',
    );
    // the embedded JSON still carries the exact strings, for the charts to draw as text
    const data = JSON.stringify(embeddedData(renderRunHtml(h, yaml)));
    expect(data).toContain(JSON.stringify(UPSTREAM_PAYLOAD).slice(1, -1));
  });

  it('is deterministic: the same result gives the same bytes, and no timestamp', () => {
    const a = renderRunHtml(outage, OUTAGE_YAML);
    expect(renderRunHtml(simulateUncached(OUTAGE_YAML), OUTAGE_YAML)).toBe(a);
    expect(ownParts(a)).not.toMatch(/20\d\d-\d\d-\d\d/);
  });
});

describe('HTML comparison report (as text)', () => {
  const c = compareFixture(['round-robin', 'p2c']);

  it('has a column per variant, best marked, overlays and one small chart per variant', () => {
    const html = renderCompareHtml(c);
    expect(html).toMatch(/<th class="num">round-robin<\/th><th class="num">p2c<\/th>/);
    expect(html).toContain('<td>latency p99</td>');
    expect(html).toContain('<td>failover: primary down at 5.00 s</td>');
    expect(html).toMatch(/class="num best">[^<]+ <span aria-label="best">★<\/span>/);
    const canvases = [...html.matchAll(/<canvas id="chart-([a-z0-9-]+)"/g)].map((m) => m[1]);
    expect(canvases).toEqual(['p99', 'errors', 'share-0', 'share-1']);
    expect(renderCompareHtml(compareFixture(['round-robin', 'p2c']))).toBe(html);
  });

  it('escapes variant names and descriptions', () => {
    const hostileCompare = {
      ...c,
      scenario: { ...c.scenario, name: SCRIPT_PAYLOAD },
      variants: c.variants.map((v) => ({
        ...v,
        name: UPSTREAM_PAYLOAD,
        description: SCRIPT_PAYLOAD,
      })),
    };
    const html = ownParts(renderCompareHtml(hostileCompare));
    expect(html).not.toContain(SCRIPT_PAYLOAD);
    expect(html).not.toContain(UPSTREAM_PAYLOAD);
    expect(html).not.toMatch(/<(img|svg)\b/i);
  });
});

describe('inlined libraries', () => {
  it('come from node_modules unchanged (they contain no closing script tag)', () => {
    const html = renderRunHtml(outage, OUTAGE_YAML);
    const lib = readFileSync('node_modules/chart.js/dist/chart.umd.min.js', 'utf8');
    expect(html).toContain(lib);
  });
});
