/**
 * A small, strict DER reader and writer for the PKI's hot paths (OCSP, certificate checks) and
 * for splicing signatures into structures built with @peculiar/asn1-x509. Every read is bounds
 * checked and throws DerError, so malformed input never becomes anything but a clean refusal.
 * Only what X.509/OCSP use: single-byte tags, definite lengths (no BER indefinite form).
 */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** One element: its tag and where its header and contents lie in the buffer it was read from. */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the last content byte. */
  end: number;
}

/** Reads the element at `offset`, which must end by `limit`. */
export function readTlv(buf: Buffer, offset: number, limit = buf.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated element');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let length = buf[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw new DerError('indefinite length is not DER');
    if (count > 4) throw new DerError('length too large');
    if (contentStart + count > limit) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[contentStart + i];
    if (length < 0x80 || (count > 1 && buf[contentStart] === 0)) throw new DerError('non-minimal length');
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError('truncated contents');
  return { tag, start: offset, contentStart, end };
}

/** Reads the single element filling `buf` exactly (trailing bytes are an error). */
export function readRoot(buf: Buffer): Tlv {
  const tlv = readTlv(buf, 0);
  if (tlv.end !== buf.length) throw new DerError('trailing data after the element');
  return tlv;
}

/** The elements inside a constructed element, which must fill it exactly. */
export function children(buf: Buffer, parent: Tlv): Tlv[] {
  if (!(parent.tag & 0x20)) throw new DerError('not a constructed element');
  const items: Tlv[] = [];
  let offset = parent.contentStart;
  while (offset < parent.end) {
    const item = readTlv(buf, offset, parent.end);
    items.push(item);
    offset = item.end;
  }
  return items;
}

export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new DerError(`expected ${what}`);
  return tlv;
}

export function contents(buf: Buffer, tlv: Tlv): Buffer {
  return buf.subarray(tlv.contentStart, tlv.end);
}

export function raw(buf: Buffer, tlv: Tlv): Buffer {
  return buf.subarray(tlv.start, tlv.end);
}

/** The dotted form of an OBJECT IDENTIFIER's contents. */
export function decodeOid(bytes: Buffer): string {
  if (!bytes.length || bytes[bytes.length - 1] & 0x80) throw new DerError('malformed object identifier');
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    if (value === 0 && byte === 0x80) throw new DerError('non-minimal object identifier');
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError('object identifier arc too large');
    if (!(byte & 0x80)) {
      if (!parts.length) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

export function readOid(buf: Buffer, tlv: Tlv | undefined): string {
  return decodeOid(contents(buf, expectTag(tlv, TAG.OID, 'an object identifier')));
}

/** An INTEGER's contents as a positive serial in lowercase hex, leading zero bytes removed. */
export function serialHex(bytes: Buffer): string {
  if (!bytes.length) throw new DerError('empty integer');
  // DER: no leading 0x00 unless the next byte's top bit is set (no leading 0xff unless it is clear).
  if (bytes.length > 1 && ((bytes[0] === 0 && bytes[1] < 0x80) || (bytes[0] === 0xff && bytes[1] >= 0x80)))
    throw new DerError('non-minimal integer');
  return (bytes[0] === 0 && bytes.length > 1 ? bytes.subarray(1) : bytes).toString('hex');
}

/** The value bits of a BIT STRING (which must have no unused bits). */
export function bitStringBytes(buf: Buffer, tlv: Tlv | undefined): Buffer {
  const body = contents(buf, expectTag(tlv, TAG.BIT_STRING, 'a bit string'));
  if (!body.length || body[0] !== 0) throw new DerError('bit string with unused bits');
  return body.subarray(1);
}

/** UTCTime or GeneralizedTime (whole seconds, Z) as a Date. */
export function readTime(buf: Buffer, tlv: Tlv | undefined): Date {
  if (!tlv || (tlv.tag !== TAG.UTC_TIME && tlv.tag !== TAG.GENERALIZED_TIME)) throw new DerError('expected a time');
  const text = contents(buf, tlv).toString('latin1');
  const match =
    tlv.tag === TAG.UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(text);
  if (!match) throw new DerError('malformed time');
  let year = Number(match[1]);
  if (tlv.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  const [month, day, hour, minute, second] = match.slice(2, 7).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls over (month 13 is next January): a field out of range reads back different.
  if (
    Number.isNaN(date.getTime()) ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  ) {
    throw new DerError('malformed time');
  }
  return date;
}

/** A directory string (the string types X.520 names use) as text. */
export function readString(buf: Buffer, tlv: Tlv): string {
  const body = contents(buf, tlv);
  switch (tlv.tag) {
    case TAG.UTF8_STRING:
      return body.toString('utf8');
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.T61_STRING:
      return body.toString('latin1');
    case TAG.BMP_STRING: {
      if (body.length % 2) throw new DerError('odd BMPString');
      const swapped = Buffer.from(body);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case TAG.UNIVERSAL_STRING: {
      if (body.length % 4) throw new DerError('malformed UniversalString');
      let text = '';
      for (let i = 0; i < body.length; i += 4) text += String.fromCodePoint(body.readUInt32BE(i));
      return text;
    }
    default:
      throw new DerError('not a string');
  }
}

// ---- writing ----

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

export const sequence = (...parts: Buffer[]) => tlv(TAG.SEQUENCE, ...parts);
export const octetString = (bytes: Buffer) => tlv(TAG.OCTET_STRING, bytes);
export const bitString = (bytes: Buffer) => tlv(TAG.BIT_STRING, Buffer.from([0]), bytes);
export const explicit = (n: number, ...parts: Buffer[]) => tlv(0xa0 | n, ...parts);
export const enumerated = (value: number) => tlv(TAG.ENUMERATED, Buffer.from([value]));

/** An INTEGER from unsigned big-endian bytes (a 0x00 is added when the top bit is set). */
export function integer(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0 && !(bytes[i + 1] & 0x80)) i++;
  const trimmed = bytes.subarray(i);
  return tlv(TAG.INTEGER, trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const values = [arcs[0] * 40 + arcs[1], ...arcs.slice(2)];
  const bytes: number[] = [];
  for (const value of values) {
    const chunk = [value & 0x7f];
    for (let n = Math.floor(value / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(bytes));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** GeneralizedTime in whole seconds, as RFC 5280 and RFC 6960 want it. */
export function generalizedTime(date: Date): Buffer {
  const text =
    pad(date.getUTCFullYear(), 4) +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds()) +
    'Z';
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(text, 'latin1'));
}
