import { mustOpenssl, type Scratch } from '../pki/support.js';

/** One line of `openssl asn1parse -inform DER -i`: OpenSSL's own reading of an element. */
export interface Asn1Line {
  offset: number;
  depth: number;
  headerLength: number;
  length: number;
  constructed: boolean;
  /** As OpenSSL names it: SEQUENCE, INTEGER, IA5STRING, UTF8STRING, GENERALIZEDTIME, OCTET STRING, BIT STRING, OBJECT, BOOLEAN, cont [ 0 ]… */
  tag: string;
  /** The value after the colon, if OpenSSL prints one. */
  value: string;
}

const LINE = /^\s*(\d+):d=(\d+)\s+hl=(\d+)\s+l=\s*(\d+)\s+(cons|prim):\s*(.*?)\s*(?::(.*))?$/;

/** The elements of a DER file as OpenSSL parses them (it refuses trailing bytes and bad lengths itself). */
export function asn1parse(scratch: Scratch, der: Buffer): Asn1Line[] {
  const path = scratch.write(`asn1-${Math.random().toString(36).slice(2)}.der`, der);
  const output = Buffer.from(mustOpenssl(['asn1parse', '-inform', 'DER', '-i', '-in', path]), 'latin1').toString('utf8');
  return output
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const match = LINE.exec(line);
      if (!match) throw new Error(`unexpected asn1parse line: ${line}`);
      const [, offset, depth, hl, length, kind, tag, value] = match;
      return {
        offset: Number(offset),
        depth: Number(depth),
        headerLength: Number(hl),
        length: Number(length),
        constructed: kind === 'cons',
        tag: tag.replace(/\s*\[HEX DUMP\]$/, '').trim(),
        value: (value ?? '').trim(),
      };
    });
}

/** "depth tag" per element: the layout to compare with the reference ASN.1. */
export function layout(lines: Asn1Line[]): string[] {
  return lines.map((line) => `${line.depth} ${line.tag}`);
}

/** The whole element (header and contents) OpenSSL found at a line. */
export function elementBytes(der: Buffer, line: Asn1Line): Buffer {
  return der.subarray(line.offset, line.offset + line.headerLength + line.length);
}

/** A BIT STRING's value bytes (after its unused-bits byte, which must be 0). */
export function bitStringValue(der: Buffer, line: Asn1Line): Buffer {
  if (line.tag !== 'BIT STRING') throw new Error(`not a BIT STRING: ${line.tag}`);
  const body = der.subarray(line.offset + line.headerLength, line.offset + line.headerLength + line.length);
  if (body[0] !== 0) throw new Error('BIT STRING with unused bits');
  return body.subarray(1);
}
