import { bitStringBytes, children, contents, DerError, expectTag, raw, readOid, readRoot, readTime, TAG, type Tlv } from '../../pki/der.js';
import { SealFormatError } from './seal-format-error.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/**
 * The elements of one SEQUENCE read in order, each as the type it must be. Built on the project's
 * strict DER reader (src/pki/der.ts: definite minimal lengths, single-byte tags, every read bounds
 * checked); every refusal becomes a SealFormatError naming the field. `where` is the path so far.
 */
export class Fields {
  private next = 0;

  private constructor(
    readonly buf: Buffer,
    readonly where: string,
    private readonly items: Tlv[],
    /** The SEQUENCE's own encoding, as received. */
    readonly der: Buffer,
  ) {}

  /** The SEQUENCE that fills `buf` exactly. */
  static root(buf: Buffer, where: string): Fields {
    return guard(where, () => Fields.of(buf, readRoot(buf), where));
  }

  /** The elements of the SEQUENCE at `tlv`. */
  static of(buf: Buffer, tlv: Tlv | undefined, where: string): Fields {
    return guard(where, () => {
      const sequence = expectTag(tlv, TAG.SEQUENCE, 'a SEQUENCE');
      return new Fields(buf, where, children(buf, sequence), raw(buf, sequence));
    });
  }

  get count(): number {
    return this.items.length;
  }

  /** The tag of the element to be read next (undefined at the end). */
  peekTag(): number | undefined {
    return this.items[this.next]?.tag;
  }

  /** The next element, which must carry `tag`. */
  element(what: string, tag: number, typeName: string): Tlv {
    const tlv = this.items[this.next];
    if (!tlv) this.fail(what, 'missing');
    if (tlv.tag !== tag) this.fail(what, `expected ${typeName}`);
    this.next++;
    return tlv;
  }

  sequence(what: string): Fields {
    return Fields.of(this.buf, this.element(what, TAG.SEQUENCE, 'a SEQUENCE'), `${this.where}.${what}`);
  }

  /** The SEQUENCE inside an [n] EXPLICIT tag. */
  explicitSequence(what: string, n: number): Fields {
    const inner = this.explicit(what, n);
    const fields = inner.sequence(what);
    inner.end();
    return fields;
  }

  /** The single element inside an [n] EXPLICIT tag, as a cursor of one. */
  explicit(what: string, n: number): Fields {
    const tagged = this.element(what, 0xa0 | n, `[${n}]`);
    const inner = guard(`${this.where}.${what}`, () => children(this.buf, tagged));
    if (inner.length !== 1) this.fail(what, `[${n}] must hold one element`);
    return new Fields(this.buf, this.where, inner, raw(this.buf, tagged));
  }

  integer(what: string): number {
    const body = contents(this.buf, this.element(what, TAG.INTEGER, 'an INTEGER'));
    if (!body.length) this.fail(what, 'empty INTEGER');
    if (body.length > 1 && ((body[0] === 0 && body[1] < 0x80) || (body[0] === 0xff && body[1] >= 0x80)))
      this.fail(what, 'non-minimal INTEGER');
    if (body[0] & 0x80) this.fail(what, 'negative INTEGER');
    const significant = body[0] === 0 ? body.subarray(1) : body;
    if (significant.length > 6) this.fail(what, 'INTEGER too large');
    return significant.length ? significant.readUIntBE(0, significant.length) : 0;
  }

  boolean(what: string): boolean {
    const body = contents(this.buf, this.element(what, TAG.BOOLEAN, 'a BOOLEAN'));
    if (body.length !== 1 || (body[0] !== 0 && body[0] !== 0xff)) this.fail(what, 'a BOOLEAN is one byte, 00 or FF');
    return body[0] === 0xff;
  }

  oid(what: string): string {
    const tlv = this.element(what, TAG.OID, 'an OBJECT IDENTIFIER');
    return guard(`${this.where}.${what}`, () => readOid(this.buf, tlv));
  }

  octets(what: string): Buffer {
    return contents(this.buf, this.element(what, TAG.OCTET_STRING, 'an OCTET STRING'));
  }

  /** A BIT STRING's bytes (it must have no unused bits). */
  bits(what: string): Buffer {
    const tlv = this.element(what, TAG.BIT_STRING, 'a BIT STRING');
    return guard(`${this.where}.${what}`, () => bitStringBytes(this.buf, tlv));
  }

  ia5(what: string): string {
    const body = contents(this.buf, this.element(what, TAG.IA5_STRING, 'an IA5String'));
    if (body.some((byte) => byte > 0x7f)) this.fail(what, 'an IA5String is ASCII');
    return body.toString('latin1');
  }

  printable(what: string): string {
    const text = contents(this.buf, this.element(what, TAG.PRINTABLE_STRING, 'a PrintableString')).toString('latin1');
    if (!PRINTABLE.test(text)) this.fail(what, 'character not allowed in a PrintableString');
    return text;
  }

  utf8(what: string): string {
    const body = contents(this.buf, this.element(what, TAG.UTF8_STRING, 'a UTF8String'));
    try {
      return utf8.decode(body);
    } catch {
      this.fail(what, 'malformed UTF-8');
    }
  }

  generalizedTime(what: string): Date {
    const tlv = this.element(what, TAG.GENERALIZED_TIME, 'a GeneralizedTime');
    return guard(`${this.where}.${what}`, () => readTime(this.buf, tlv));
  }

  utcTime(what: string): Date {
    const tlv = this.element(what, TAG.UTC_TIME, 'a UTCTime');
    return guard(`${this.where}.${what}`, () => readTime(this.buf, tlv));
  }

  /** The complete encoding (tag, length and contents) of the element read last, as received. */
  lastRaw(): Buffer {
    if (!this.next) throw new Error('nothing read yet');
    return raw(this.buf, this.items[this.next - 1]);
  }

  /** Refuses elements left over. */
  end(): void {
    if (this.next < this.items.length)
      throw new SealFormatError(`${this.where}: ${this.items.length - this.next} unexpected element(s) at the end`);
  }

  /** Refuses a field of this sequence. */
  fail(what: string, problem: string): never {
    throw new SealFormatError(`${this.where}.${what}: ${problem}`);
  }

  /** Refuses the sequence as a whole. */
  refuse(problem: string): never {
    throw new SealFormatError(`${this.where}: ${problem}`);
  }
}

/** Runs a read of the DER reader, turning its DerError into a SealFormatError at `where`. */
export function guard<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DerError) throw new SealFormatError(`${where}: ${error.message}`);
    throw error;
  }
}
