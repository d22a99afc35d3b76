/**
 * Upstream back-off hints, in milliseconds from now. `retry-after-ms` (OpenAI's, milliseconds)
 * wins; otherwise `Retry-After` (RFC 9110 §10.2.3) as delay-seconds — integer or, leniently,
 * decimal — or as an HTTP-date in any of the three formats of RFC 9110 §5.6.7. A date in the
 * past means "now" (0), never a negative delay. Anything unparsable is `undefined`, and an
 * unparsable `retry-after-ms` falls back to `Retry-After` (as the OpenAI SDK does).
 */
export function parseRetryAfter(
  headers: { retryAfter?: string | undefined; retryAfterMs?: string | undefined },
  nowEpochMs: number,
): number | undefined {
  if (headers.retryAfterMs !== undefined) {
    const ms = parseDelta(headers.retryAfterMs);
    if (ms !== undefined) return ms;
  }
  if (headers.retryAfter === undefined) return undefined;
  const seconds = parseDelta(headers.retryAfter);
  if (seconds !== undefined) return seconds * 1000;
  const date = parseHttpDate(headers.retryAfter, nowEpochMs);
  if (date === undefined) return undefined;
  return date > nowEpochMs ? date - nowEpochMs : 0;
}

const DELTA_RE = /^\d+(?:\.\d+)?$/;

function parseDelta(text: string): number | undefined {
  const s = text.trim();
  if (!DELTA_RE.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MON = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
// Sun, 06 Nov 1994 08:49:37 GMT
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MON} (\\d{4}) ${TIME} GMT$`, 'i');
// Sunday, 06-Nov-94 08:49:37 GMT
const RFC850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MON}-(\\d{2}) ${TIME} GMT$`, 'i');
// Sun Nov  6 08:49:37 1994
const ASCTIME = new RegExp(`^${DAY} ${MON} ([ \\d]\\d) ${TIME} (\\d{4})$`, 'i');

/** Epoch milliseconds of an HTTP-date, or undefined. Weekday names are not cross-checked. */
export function parseHttpDate(text: string, nowEpochMs: number): number | undefined {
  const s = text.trim();
  let m = IMF_FIXDATE.exec(s);
  if (m) return utc(+m[3]!, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  m = RFC850.exec(s);
  if (m) return utc(fullYear(+m[3]!, nowEpochMs), m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  m = ASCTIME.exec(s);
  if (m) return utc(+m[6]!, m[1]!, +m[2]!.trim(), +m[3]!, +m[4]!, +m[5]!);
  return undefined;
}

function utc(
  year: number,
  mon: string,
  day: number,
  hour: number,
  min: number,
  sec: number,
): number | undefined {
  const month = MONTHS.indexOf(mon.toLowerCase());
  if (day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return undefined;
  // Date.UTC maps years 0–99 to 1900–1999; any year before the epoch is simply "in the past".
  if (year < 1970) return 0;
  const midnight = Date.UTC(year, month, day);
  if (new Date(midnight).getUTCDate() !== day) return undefined; // 31 Feb and the like
  return midnight + ((hour * 60 + min) * 60 + sec) * 1000;
}

/** RFC 9110: a two-digit year more than 50 years in the future is the most recent past one. */
function fullYear(yy: number, nowEpochMs: number): number {
  const nowYear = new Date(nowEpochMs).getUTCFullYear();
  const year = nowYear - (nowYear % 100) + yy;
  return year > nowYear + 50 ? year - 100 : year;
}
