import { chartLibraries } from './assets.js';
import type { ClientData } from './chart-spec.js';
import { CLIENT_SCRIPT } from './client.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { STYLE } from './style.js';

/**
 * A whole report page: no external resource of any kind (the CSP says so too), chart.js inlined,
 * the data as inert JSON that the page script parses.
 */
export function page(title: string, body: string, data: ClientData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
<script type="application/json" id="lbsim-data">${jsonForScript(data)}</script>
<script>${chartLibraries()}</script>
<script>${CLIENT_SCRIPT}</script>
</body>
</html>
`;
}
