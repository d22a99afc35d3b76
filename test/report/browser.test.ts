import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCompareReport, writeRunReports } from '../../src/report/write.js';
import {
  compareFixture,
  FAILING_YAML,
  hostile,
  OUTAGE_YAML,
  SCRIPT_PAYLOAD,
  simulate,
  STREAMING_YAML,
  UPSTREAM_PAYLOAD,
} from './simulate.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`report browser tests SKIPPED: chromium not installed: apt-get install chromium`);

const suite = hasChromium ? describe : describe.skip;

interface PageReport {
  consoleErrors: string[];
  pageErrors: string[];
  /** Every request other than the report file itself. */
  foreignRequests: string[];
  dialogs: string[];
  charts: number;
  canvases: {
    id: string;
    width: number;
    height: number;
    painted: number;
    colours: number;
    points: number;
  }[];
  xssFlag: unknown;
  title: string;
  h1: string;
}

/**
 * Runs in the page (as text: the tests compile without the DOM library): for every canvas, how
 * many pixels are painted, in how many colours, and how many data points its chart holds.
 */
const CANVAS_PROBE = `[...document.querySelectorAll('canvas')].map((c) => {
  const { width, height } = c;
  const px = c.getContext('2d').getImageData(0, 0, width, height).data;
  let painted = 0;
  const colours = new Set();
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 3] > 0) {
      painted++;
      if (colours.size < 64) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    }
  }
  const chart = Chart.getChart(c);
  const points = chart === undefined ? 0 : chart.data.datasets.reduce((n, d) => n + d.data.length, 0);
  return { id: c.id, width, height, painted, colours: colours.size, points };
})`;

/** Opens a written report from disk and reports what happened while it loaded and drew. */
async function open(
  context: BrowserContext,
  file: string,
  screenshot?: string,
): Promise<PageReport> {
  const url = pathToFileURL(file).href;
  const page = await context.newPage();
  const r: PageReport = {
    consoleErrors: [],
    pageErrors: [],
    foreignRequests: [],
    dialogs: [],
    charts: 0,
    canvases: [],
    xssFlag: undefined,
    title: '',
    h1: '',
  };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') r.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => r.pageErrors.push(e.message));
  page.on('dialog', (d) => {
    r.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('requestfailed', (req) => {
    if (req.url() !== url) r.foreignRequests.push(`failed: ${req.url()}`);
  });
  await page.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    r.foreignRequests.push(route.request().url());
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-charts]', { timeout: 10_000 });
  r.charts = Number(await page.getAttribute('body', 'data-charts'));
  r.canvases = await page.evaluate<PageReport['canvases']>(CANVAS_PROBE);
  r.xssFlag = await page.evaluate('window.__xss');
  r.title = await page.title();
  r.h1 = (await page.textContent('h1')) ?? '';
  if (screenshot !== undefined) await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return r;
}

function expectClean(r: PageReport, charts: number): void {
  expect(r.pageErrors).toEqual([]);
  expect(r.consoleErrors).toEqual([]);
  expect(r.foreignRequests).toEqual([]);
  expect(r.dialogs).toEqual([]);
  expect(r.charts).toBe(charts);
  expect(r.canvases).toHaveLength(charts);
  for (const c of r.canvases) {
    expect(c.width * c.height, c.id).toBeGreaterThan(0);
    // axes and grid alone paint a little; data paints a good share in several colours
    expect(c.painted / (c.width * c.height), c.id).toBeGreaterThan(0.02);
    expect(c.colours, c.id).toBeGreaterThanOrEqual(4);
    expect(c.points, c.id).toBeGreaterThan(0);
  }
}

suite(`reports in Chromium (${CHROMIUM})`, () => {
  let context: BrowserContext;
  let dir: string;
  let profile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lbsim-browser-'));
    profile = mkdtempSync(join(tmpdir(), 'lbsim-chromium-profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
  });

  it('the outage report loads offline, without errors, every chart drawn', async () => {
    writeRunReports(join(dir, 'outage'), simulate(OUTAGE_YAML), OUTAGE_YAML, {});
    const shot = join(dir, 'outage.png');
    const r = await open(context, join(dir, 'outage', 'index.html'), shot);
    expectClean(r, 5);
    expect(r.canvases.map((c) => c.id)).toEqual([
      'chart-latency',
      'chart-outcomes',
      'chart-share',
      'chart-states',
      'chart-amplification',
    ]);
    expect(existsSync(shot)).toBe(true);
  });

  it('a failing run and a streaming run draw every chart too', async () => {
    writeRunReports(join(dir, 'failing'), simulate(FAILING_YAML), FAILING_YAML, {});
    expectClean(await open(context, join(dir, 'failing', 'index.html')), 5);
    writeRunReports(join(dir, 'streaming'), simulate(STREAMING_YAML), STREAMING_YAML, {});
    expectClean(await open(context, join(dir, 'streaming', 'index.html')), 7);
  });

  it('the comparison report draws its overlays and one small chart per variant', async () => {
    writeCompareReport(join(dir, 'compare'), compareFixture(['round-robin', 'p2c', 'peak-ewma']));
    const r = await open(context, join(dir, 'compare', 'index.html'));
    expectClean(r, 5);
  });

  it('hostile names run nothing: no dialog, no error, shown as text', async () => {
    const yaml = `name: "${SCRIPT_PAYLOAD}"\n# ${UPSTREAM_PAYLOAD}\n`;
    writeRunReports(join(dir, 'xss'), hostile(simulate(OUTAGE_YAML)), yaml, {});
    const r = await open(context, join(dir, 'xss', 'index.html'));
    expectClean(r, 5);
    expect(r.xssFlag).toBeUndefined();
    expect(r.h1).toBe(SCRIPT_PAYLOAD);
    expect(r.title).toBe(`${SCRIPT_PAYLOAD} — lbsim`);
    const c = compareFixture(['round-robin', 'p2c']);
    writeCompareReport(join(dir, 'xss-compare'), {
      scenario: { ...c.scenario, name: SCRIPT_PAYLOAD },
      variants: c.variants.map((v, i) => ({
        ...v,
        name: `${UPSTREAM_PAYLOAD}${i}`,
        description: SCRIPT_PAYLOAD,
      })),
    });
    const rc = await open(context, join(dir, 'xss-compare', 'index.html'));
    expectClean(rc, 4);
    expect(rc.xssFlag).toBeUndefined();
    expect(rc.h1).toBe(SCRIPT_PAYLOAD);
  });
});
