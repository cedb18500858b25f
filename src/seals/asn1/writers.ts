import { generalizedTime as derGeneralizedTime, integer, oid, TAG, tlv } from '../../pki/der.js';

/**
 * Encoders for the value types of the seal structures that src/pki/der.ts does not write. They
 * refuse (RangeError) what the type cannot carry: a programming error, never a decoding one.
 */
export { bitString, explicit, octetString, sequence } from '../../pki/der.js';

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

export function ia5String(text: string, what: string): Buffer {
  if (!/^[\x00-\x7f]*$/.test(text)) throw new RangeError(`${what} must be ASCII (an IA5String)`);
  return tlv(TAG.IA5_STRING, Buffer.from(text, 'latin1'));
}

export function printableString(text: string, what: string): Buffer {
  if (!PRINTABLE.test(text)) throw new RangeError(`${what} has characters a PrintableString cannot carry`);
  return tlv(TAG.PRINTABLE_STRING, Buffer.from(text, 'latin1'));
}

export function utf8String(text: string, what: string): Buffer {
  if (/\p{Surrogate}/u.test(text)) throw new RangeError(`${what} is not well-formed Unicode`);
  return tlv(TAG.UTF8_STRING, Buffer.from(text, 'utf8'));
}

export function smallInteger(value: number, what: string): Buffer {
  if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** 48)
    throw new RangeError(`${what} must be a whole number from 0 to 2^48−1`);
  const bytes = Buffer.alloc(6);
  bytes.writeUIntBE(value, 0, 6);
  return integer(bytes);
}

export function boolean(value: boolean): Buffer {
  return tlv(TAG.BOOLEAN, Buffer.from([value ? 0xff : 0x00]));
}

/** GeneralizedTime in whole seconds: a Date with milliseconds would not decode back to itself. */
export function generalizedTime(date: Date, what: string): Buffer {
  const time = date.getTime();
  if (!Number.isFinite(time) || time % 1000 !== 0) throw new RangeError(`${what} must be a valid time in whole seconds`);
  if (date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) throw new RangeError(`${what} must fall in the years 1 to 9999`);
  return derGeneralizedTime(date);
}

export function objectIdentifier(dotted: string, what: string): Buffer {
  const arcs = dotted.split('.');
  const valid =
    /^(0|[1-9]\d*)(\.(0|[1-9]\d*))+$/.test(dotted) &&
    Number(arcs[0]) <= 2 &&
    (Number(arcs[0]) === 2 || Number(arcs[1]) < 40) &&
    arcs.every((arc) => Number.isSafeInteger(Number(arc)));
  if (!valid) throw new RangeError(`${what} is not an object identifier`);
  return oid(dotted);
}
