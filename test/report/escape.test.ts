import { describe, expect, it } from 'vitest';
import { escapeAttr, escapeHtml, jsonForScript, scriptText } from '../../src/report/html/escape.js';
import { escapeXml } from '../../src/report/junit.js';
import { escapeMarkdown } from '../../src/report/markdown.js';

describe('escaping', () => {
  it('HTML text and attributes: no markup character survives', () => {
    const s = `</script><img src=x onerror="alert('1')"> & \``;
    expect(escapeHtml(s)).toBe(
      '&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; `',
    );
    expect(escapeAttr(s)).toBe(
      '&lt;/script&gt;&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt; &amp; &#96;',
    );
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  it('JSON in a script element cannot close it, open a comment, or break old parsers', () => {
    const value = {
      name: '</script><script>alert(1)</script>',
      comment: '<!-- x --> & y',
      seps: 'a\u2028b\u2029c',
    };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('inlined library code cannot end its script element', () => {
    expect(scriptText('var a = "</script>"; var b = "</SCRIPT >";')).toBe(
      'var a = "<\\/script>"; var b = "<\\/SCRIPT >";',
    );
  });

  it('XML: markup, quotes and characters XML 1.0 cannot carry', () => {
    expect(escapeXml(`<a b="c" d='e'>&\u0000\u001f`)).toBe(
      '&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;\ufffd\ufffd',
    );
  });

  it('Markdown: no HTML, no table-cell break, no emphasis or link, one line', () => {
    const md = escapeMarkdown('a|b *c* _d_ [e](f) <img src=x>\n`g` & h');
    expect(md).toBe('a\\|b \\*c\\* \\_d\\_ \\[e\\]\\(f\\) &lt;img src=x&gt; \\`g\\` &amp; h');
    expect(md).not.toMatch(/[<>\n]/);
  });
});
