/** Escaping for every string that reaches a report from a scenario, an upstream or a result. */

const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text content and quoted attribute values alike (quotes escaped too, so one function serves both). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML[c]!);
}

/** An attribute value; also escapes backticks, which old parsers treated as quotes. */
export function escapeAttr(s: string): string {
  return escapeHtml(s).replace(/`/g, '&#96;');
}

/**
 * JSON for a `<script type="application/json">` element: `<`, `>` and `&` become \u escapes so
 * no `</script>` or `<!--` can appear, and U+2028/2029 are escaped for old JavaScript parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Library code inlined in a `<script>`: a `</script` inside it would end the element early. */
export function scriptText(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}
