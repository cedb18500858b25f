import { isIPv4, isIPv6 } from 'node:net';

/**
 * A client address as the sign-in history keeps and shows it: enough to recognise one's own
 * network, not enough to point at one device. IPv4 keeps its /24 (203.0.113.*), IPv6 its /48,
 * the usual size of one site's prefix (2001:db8:85a3:…:*); an IPv4-mapped IPv6 address counts as
 * IPv4. Anything else (a missing or odd value) becomes "—".
 */
export function maskIp(ip: string | undefined): string {
  const value = (ip ?? '').trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  const v4 = mapped ? mapped[1] : value;
  if (isIPv4(v4)) return `${v4.split('.').slice(0, 3).join('.')}.*`;
  const v6 = value.replace(/%.*$/, '');
  if (isIPv6(v6)) {
    const groups = expandIpv6(v6);
    return `${groups
      .slice(0, 3)
      .map((g) => g.replace(/^0+(?=.)/, ''))
      .join(':')}:…:*`;
  }
  return '—';
}

/** The eight 16-bit groups of an IPv6 address, as 4-digit lower-case hex (an embedded IPv4 tail converted). */
function expandIpv6(ip: string): string[] {
  let text = ip.toLowerCase();
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number);
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const middle = rest === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => g.padStart(4, '0'));
}
