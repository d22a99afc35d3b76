/**
 * A small XML well-formedness check (enough for JUnit files): balanced elements, quoted
 * attributes, no stray `<` or `&` in text or attribute values. Returns the elements it read.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

function decode(s: string, where: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '<') throw new Error(`raw < in ${where}`);
    if (c === '&') {
      const m = ENTITY.exec(s.slice(i));
      if (m === null) throw new Error(`bad entity in ${where}: ${s.slice(i, i + 10)}`);
      const e = m[1]!;
      out +=
        e === 'amp'
          ? '&'
          : e === 'lt'
            ? '<'
            : e === 'gt'
              ? '>'
              : e === 'quot'
                ? '"'
                : e === 'apos'
                  ? "'"
                  : String.fromCodePoint(
                      Number(e.startsWith('#x') ? `0${e.slice(1)}` : e.slice(1)),
                    );
      i += m[0].length - 1;
    } else out += c;
  }
  return out;
}

export function parseXml(xml: string): XmlElement {
  let s = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const tag = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*(\/?)>/;
  while (s.length > 0) {
    const lt = s.indexOf('<');
    const text = lt === -1 ? s : s.slice(0, lt);
    if (text.length > 0) stack.at(-1)!.text += decode(text, 'text');
    if (lt === -1) break;
    s = s.slice(lt);
    const m = tag.exec(s);
    if (m === null) throw new Error(`malformed tag at: ${s.slice(0, 40)}`);
    const [all, close, name, attrText, selfClose] = m;
    if (close === '/') {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g))
        attrs[a[1]!] = decode(a[2]!, `attribute ${a[1]}`);
      const el: XmlElement = { name: name!, attrs, children: [], text: '' };
      stack.at(-1)!.children.push(el);
      if (selfClose !== '/') stack.push(el);
    }
    s = s.slice(all.length);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (root.children.length !== 1 || root.text.trim() !== '') throw new Error('not one root');
  return root.children[0]!;
}
