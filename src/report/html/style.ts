/** The report's stylesheet: light and dark (prefers-color-scheme), and a print layout. */
export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --surface: #ffffff; --fg: #1d2330; --muted: #5b6475; --line: #dde1e7;
  --grid: rgba(0, 0, 0, 0.08); --fault: rgba(214, 39, 40, 0.09);
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --best: #0969da;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1217; --surface: #181c23; --fg: #e6e9ef; --muted: #9aa3b2; --line: #2b313b;
    --grid: rgba(255, 255, 255, 0.09); --fault: rgba(255, 99, 99, 0.14);
    --pass: #3fb950; --pass-bg: #12261a; --fail: #f85149; --fail-bg: #2d1517; --best: #58a6ff;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
main { max-width: 1180px; margin: 0 auto; padding: 24px 20px 48px; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 16px; margin-bottom: 16px; }
h1 { font-size: 22px; margin: 0; overflow-wrap: anywhere; }
h2 { font-size: 16px; margin: 28px 0 10px; }
h3 { font-size: 14px; margin: 0 0 2px; }
.sub { color: var(--muted); }
.verdict { font-weight: 700; padding: 2px 10px; border-radius: 999px; font-size: 13px; }
.pass { color: var(--pass); }
.fail { color: var(--fail); }
.verdict.pass { background: var(--pass-bg); }
.verdict.fail { background: var(--fail-bg); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(132px, 1fr)); gap: 10px; }
.card {
  background: var(--surface); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px;
}
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
.card .value { font-size: 21px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .note { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.card.fail { border-color: var(--fail); }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 10px 20px; }
table { border-collapse: collapse; width: 100%; background: var(--surface); font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
td.num, th.num { text-align: right; }
td:first-child { white-space: nowrap; }
td.best { color: var(--best); font-weight: 700; }
.wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
.wrap table tr:last-child td { border-bottom: 0; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
figure {
  margin: 0 0 12px; background: var(--surface); border: 1px solid var(--line); border-radius: 8px;
  padding: 10px 14px 8px; break-inside: avoid;
}
figcaption { color: var(--muted); font-size: 12px; margin-bottom: 6px; }
.chart { position: relative; height: 230px; }
.chart.small { height: 160px; }
.multiples { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 10px; }
details { background: var(--surface); border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; }
summary { cursor: pointer; font-weight: 600; }
pre { overflow-x: auto; font: 12px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 12px; margin-top: 28px; }
@media print {
  :root { color-scheme: light; }
  body { background: #fff; }
  main { max-width: none; padding: 0; }
  figure, .card, table, details { break-inside: avoid; }
  .chart canvas { max-width: 100% !important; }
  details > *:not(summary) { display: block; }
}
`;
