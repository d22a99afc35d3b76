/** Character classes of RFC 9110 as lookup tables, for the head scanners' one-pass loops. */

/** tchar: the characters of a token (a header name, a method). */
export const TCHAR = new Uint8Array(256);
/** field-vchar, SP and HTAB: what a header value may hold. */
export const VCHAR = new Uint8Array(256);

for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TCHAR[c] = 1;
for (let c = 65; c <= 90; c++) TCHAR[c] = 1;
for (let c = 97; c <= 122; c++) TCHAR[c] = 1;
VCHAR[9] = 1;
for (let c = 0x20; c <= 0x7e; c++) VCHAR[c] = 1;
for (let c = 0x80; c <= 0xff; c++) VCHAR[c] = 1;

/**
 * `s[from, from + lower.length)` equals `lower` ignoring ASCII case; `lower` holds only
 * lower-case letters, digits and '-' (setting bit 0x20 maps 'A'-'Z' to 'a'-'z' and leaves
 * '-' and digits as they are).
 */
export function equalsLower(s: string, from: number, lower: string): boolean {
  const n = lower.length;
  for (let i = 0; i < n; i++)
    if ((s.charCodeAt(from + i) | 0x20) !== lower.charCodeAt(i)) return false;
  return true;
}

/** `s` can stand in a header line as it is: field-vchars, spaces and tabs only (no CR, no LF). */
export function isFieldText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || VCHAR[c] !== 1) return false;
  }
  return true;
}

/**
 * `s` without leading (unless `leading` is false) and trailing SP and HTAB: HTTP's whitespace
 * (OWS), not JavaScript's, which would also take NBSP and other bytes a peer meant.
 */
export function trimOws(s: string, leading = true): string {
  let a = 0;
  let b = s.length;
  if (leading) while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** `line` is a whole header line: a token, a colon, then field text. */
export function isFieldLine(line: string): boolean {
  const colon = line.indexOf(':');
  if (colon <= 0) return false;
  for (let i = 0; i < colon; i++) if (TCHAR[line.charCodeAt(i)] !== 1) return false;
  return isFieldText(line.slice(colon + 1));
}
