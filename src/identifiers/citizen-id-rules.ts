/**
 * Low-level GB 11643-1999 rules shared by the full checker and the fast path.
 * Everything works on char codes and integers so the fast path allocates nothing.
 */

export const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export const CHECK_CHARS = '10X98765432';
const ZERO = 48;

/** Index = two digits; 1 = a mainland province of GB/T 2260. */
const MAINLAND = new Uint8Array(100);
for (const [from, to] of [
  [11, 15],
  [21, 23],
  [31, 37],
  [41, 46],
  [50, 54],
  [61, 65],
]) {
  for (let p = from; p <= to; p++) MAINLAND[p] = 1;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
export const MIN_BIRTH_DATE = 18000101;

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** ISO 7064 MOD 11-2 check character of the first 17 chars of `s` (caller guarantees digits). */
export function checkCharFor(s: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (s.charCodeAt(i) - ZERO) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * Whether the number's first digits name where it was issued:
 * - a mainland province of GB/T 2260 (digits 1–2);
 * - 71, 81, 82, 83: residence permits of residents of Taiwan, Hong Kong and Macao;
 * - 9 then a mainland province (digits 2–3, the province of issue): the foreign permanent
 *   resident ID card of 2023, whose digits 4–6 are the holder's nationality.
 * The caller guarantees digits.
 */
export function hasKnownRegion(id: string): boolean {
  if (id.charCodeAt(0) === ZERO + 9) return MAINLAND[digitsAt(id, 1, 2)] === 1;
  const first = digitsAt(id, 0, 2);
  return MAINLAND[first] === 1 || first === 71 || (first >= 81 && first <= 83);
}

export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2 && day === 29) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month];
}

/** Parses `len` digits of `s` at `from` (caller guarantees digits). */
export function digitsAt(s: string, from: number, len: number): number {
  let n = 0;
  for (let i = from; i < from + len; i++) n = n * 10 + s.charCodeAt(i) - ZERO;
  return n;
}

// Birth dates are civil dates in China, which has been UTC+8 without DST since 1991.
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 86400 * 1000;

/** The calendar date (YYYYMMDD as an integer) in China at the given instant. */
export function chinaDateInt(instantMs: number): number {
  const d = new Date(instantMs + CHINA_OFFSET_MS);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

let cachedToday = 0;
let cachedUntilMs = 0;

/** Today's China date, recomputed only when the day rolls over (the fast path calls this per ID). */
export function todayDateInt(): number {
  const now = Date.now();
  if (now >= cachedUntilMs) {
    cachedToday = chinaDateInt(now);
    cachedUntilMs = Math.floor((now + CHINA_OFFSET_MS) / DAY_MS) * DAY_MS + DAY_MS - CHINA_OFFSET_MS;
  }
  return cachedToday;
}
