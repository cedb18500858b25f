/**
 * Masking hides exactly the birth date, the most identifying part:
 *   18 chars: region(6) + 8 `*` + sequence and check(4)  e.g. 110105********002X
 *   15 chars: region(6) + 6 `*` + sequence(3)            e.g. 110105******002
 * Masking is positional and does not validate, so invalid input is masked too.
 * Any other length is masked completely (length preserved), so nothing leaks.
 */
export function maskCitizenId(id: string): string {
  if (id.length === 18) return id.slice(0, 6) + '********' + id.slice(14);
  if (id.length === 15) return id.slice(0, 6) + '******' + id.slice(12);
  return '*'.repeat(id.length);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAlnum(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Masks every standalone 18-character ID shape (17 digits + digit/X/x) and every
 * standalone 15-digit run. "Standalone" means not touching another ASCII letter or
 * digit, so 19-digit runs, phone numbers and hex tokens are left alone. No checksum
 * is verified: for logs it is safer to over-mask. Returns `text` itself when nothing matches.
 */
export function maskCitizenIdsInText(text: string): string {
  const n = text.length;
  if (n < 15) return text;
  let out: string[] | null = null;
  let copiedUpTo = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (!isAlnum(c)) {
      i++;
      continue;
    }
    // Start of an alphanumeric token: measure its leading digit run and the whole token.
    let j = i;
    while (j < n && isDigit(text.charCodeAt(j))) j++;
    const digits = j - i;
    if (digits === 17 && j < n && (text.charCodeAt(j) | 32) === 120) j++;
    const candidate = j - i;
    let end = j;
    while (end < n && isAlnum(text.charCodeAt(end))) end++;
    if (end === j && (candidate === 18 || (candidate === 15 && digits === 15))) {
      out ??= [];
      out.push(text.slice(copiedUpTo, i), maskCitizenId(text.slice(i, j)));
      copiedUpTo = j;
    }
    i = end;
  }
  if (out === null) return text;
  out.push(text.slice(copiedUpTo));
  return out.join('');
}
