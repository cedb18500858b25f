import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, commonPasswordSet } from '../../accounts/password-policy.js';

/**
 * The password strength meter (registration, password change): as the citizen types, each rule
 * of src/accounts/password-policy.ts is marked met or not — the same rules, the same lengths (in
 * characters, after NFC), the same ID-number and birth-date comparisons, and the same list of
 * common passwords — and a bar with a word says how strong the password is.
 *
 * The common passwords travel as 32-bit FNV-1a hashes of the lower-cased UTF-8 text, sorted and
 * delta-encoded as base64 varints (the ~18,000 entries of 8 to 128 characters: shorter ones fail
 * the length rule anyway), about 60 kB, cached for a year under the script's content hash. A
 * different password sharing a hash is about one in 240,000: then the meter calls it common and
 * the server accepts it.
 *
 * The page works without it: the rules are written on the page, the meter is `hidden` until this
 * script shows it, and the server's answer names each rule a password breaks. Texts come from the
 * page (data attributes), so the script holds no words of its own.
 *
 * Markup it looks for: `[data-password-meter]` with `data-for` (the password input's id),
 * optionally `data-id-field` (the ID-number input's id), `data-describes` (the id of the rules
 * list, whose `li[data-rule]` items it marks) and `data-level-0` … `data-level-4` (the words for:
 * nothing typed, breaks a rule, fair, good, strong), `data-met` / `data-unmet` / `data-pending`
 * (read out before each rule).
 */

/** FNV-1a over the UTF-8 bytes, 32 bits: what the page's script computes too. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  if (ASCII.test(text)) {
    // UTF-8 of ASCII is the char codes themselves: most of the list, without a Buffer each.
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
  }
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const ASCII = /^[\x00-\x7f]*$/;

/** Length in characters as the policy counts them (code points after NFC). */
function policyLength(text: string): number {
  return ASCII.test(text) ? text.length : [...text.normalize('NFC')].length;
}

/** The common passwords the meter must know, as sorted unique hashes, delta-encoded as LEB128 varints in base64. */
export function encodedCommonPasswords(): string {
  const hashes = [
    ...new Set(
      [...commonPasswordSet()]
        .filter((p) => {
          const length = policyLength(p);
          return length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH;
        })
        .map(fnv1a32),
    ),
  ].sort((a, b) => a - b);
  const bytes: number[] = [];
  let previous = 0;
  for (const hash of hashes) {
    let delta = hash - previous;
    previous = hash;
    do {
      const low = delta % 128;
      delta = Math.floor(delta / 128);
      bytes.push(delta > 0 ? low | 0x80 : low);
    } while (delta > 0);
  }
  return Buffer.from(bytes).toString('base64');
}

export const passwordStrengthSource = String.raw`(function () {
  'use strict';
  var MIN = ${PASSWORD_MIN_LENGTH};
  var MAX = ${PASSWORD_MAX_LENGTH};
  var COMMON = '${encodedCommonPasswords()}';
  var table = null;

  function commonTable() {
    if (table) return table;
    var bin = atob(COMMON);
    var out = [];
    var value = 0, delta = 0, scale = 1;
    for (var i = 0; i < bin.length; i++) {
      var b = bin.charCodeAt(i);
      delta += (b & 0x7f) * scale;
      if (b & 0x80) { scale *= 128; continue; }
      value += delta;
      out.push(value);
      delta = 0;
      scale = 1;
    }
    table = out;
    return table;
  }

  function fnv1a32(text) {
    var bytes = new TextEncoder().encode(text);
    var hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
  }

  function isCommon(lower) {
    var list = commonTable();
    var hash = fnv1a32(lower);
    var lo = 0, hi = list.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid] === hash) return true;
      if (list[mid] < hash) lo = mid + 1; else hi = mid - 1;
    }
    return false;
  }

  /** The ID number as the server compares it: 17 digits and a digit or X, lower case; else none. */
  function idNumberOf(input) {
    var value = input ? input.value.trim() : '';
    return /^\d{17}[\dXx]$/.test(value) ? value.toLowerCase() : '';
  }

  /** Each rule: true met, false broken, null not known yet. Mirrors checkNewPassword. */
  function check(password, id) {
    var p = password.normalize('NFC');
    var length = Array.from(p).length;
    var lower = p.toLowerCase();
    var date = id.slice(6, 14);
    var rules = {
      length: length >= MIN && length <= MAX,
      id: id ? !(lower.indexOf(id) >= 0 || lower === id.slice(-6) || lower === id.slice(-8) || (date && lower === date)) : null,
      common: length >= MIN && length <= MAX ? !isCommon(lower) : null
    };
    if (!password) rules = { length: null, id: null, common: null };
    return rules;
  }

  function level(password, rules) {
    if (!password) return 0;
    if (rules.length === false || rules.id === false || rules.common === false) return 1;
    var p = password.normalize('NFC');
    var chars = Array.from(p);
    var classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter(function (r) { return r.test(p); }).length;
    var distinct = new Set(chars).size;
    if (distinct < 5 || distinct * 2 < chars.length) return 2;
    if (chars.length >= 16 || (chars.length >= 12 && classes >= 3)) return 4;
    if (chars.length >= 12 || (chars.length >= 10 && classes >= 3)) return 3;
    return 2;
  }

  function setUp(meter) {
    var input = document.getElementById(meter.getAttribute('data-for'));
    if (!input) return;
    var idInput = document.getElementById(meter.getAttribute('data-id-field') || '');
    var rulesList = document.getElementById(meter.getAttribute('data-describes') || '');
    var fill = meter.querySelector('.meter-fill');
    var text = meter.querySelector('.meter-text');
    var spoken = meter.querySelector('.meter-spoken');
    var timer = 0;
    meter.hidden = false;

    function update() {
      var password = input.value;
      var rules = check(password, idNumberOf(idInput));
      var n = level(password, rules);
      meter.setAttribute('data-level', String(n));
      if (fill) fill.style.width = (n * 25) + '%';
      var words = meter.getAttribute('data-level-' + n) || '';
      if (text) text.textContent = words;
      if (rulesList) {
        var items = rulesList.querySelectorAll('li[data-rule]');
        for (var i = 0; i < items.length; i++) {
          var state = rules[items[i].getAttribute('data-rule')];
          items[i].className = state === true ? 'met' : state === false ? 'unmet' : '';
          var mark = items[i].querySelector('.rule-state');
          if (mark) mark.textContent = meter.getAttribute(state === true ? 'data-met' : state === false ? 'data-unmet' : 'data-pending') || '';
        }
      }
      // Read out once the citizen pauses, not at every key.
      clearTimeout(timer);
      timer = setTimeout(function () { if (spoken) spoken.textContent = words; }, 900);
    }

    input.addEventListener('input', update);
    if (idInput) idInput.addEventListener('input', update);
    update();
  }

  function start() {
    var meters = document.querySelectorAll('[data-password-meter]');
    for (var i = 0; i < meters.length; i++) setUp(meters[i]);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
`;
