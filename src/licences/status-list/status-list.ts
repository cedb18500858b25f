import { deflateSync, inflateSync, constants as zlib } from 'node:zlib';
import { decodeBase64url, JwsFormatError } from '../sd-jwt/jws.js';

/**
 * A Token Status List (draft-ietf-oauth-status-list §4): one status per referenced token, `bits`
 * bits each, packed into bytes from the least significant bit up — index 0 is bits 0..bits-1 of
 * byte 0, index 1 the next `bits` bits (§4.1 step 3: "packed into bytes from the least significant
 * bit ("0") to the most significant bit ("7")"); compressed with DEFLATE (RFC 1951) in the ZLIB
 * format (RFC 1950: the 2-byte header and the Adler-32 trailer, what `zlib.deflateSync` makes), at
 * the highest level (§4.1 step 4 recommends it), and base64url-encoded in JSON (§4.2).
 *
 * tongban's lists are 2 bits: VALID, INVALID (revoked), SUSPENDED (§7.1); 3 is application-specific
 * and unused. Other sizes (1, 4, 8) are read and written too: the draft's test vectors use them.
 */

export const StatusType = Object.freeze({ VALID: 0, INVALID: 1, SUSPENDED: 2 } as const);
export type StatusBits = 1 | 2 | 4 | 8;

/** The JSON form (draft-ietf-oauth-status-list §4.2). */
export interface EncodedStatusList {
  readonly bits: StatusBits;
  readonly lst: string;
}

/** Why a status list cannot be read or a call made no sense; `code` is stable. */
export class StatusListError extends Error {
  override readonly name = 'StatusListError';
  constructor(
    readonly code:
      | 'BAD_BITS'
      | 'BAD_LST'
      | 'OUT_OF_RANGE'
      | 'BAD_STATUS'
      | 'TOO_LARGE'
      | 'MALFORMED_JWT'
      | 'WRONG_TYP'
      | 'ALG_REFUSED'
      | 'NO_KEY'
      | 'BAD_SIGNATURE'
      | 'MISSING_CLAIM'
      | 'EXPIRED'
      | 'NOT_YET_VALID'
      | 'WRONG_SUBJECT',
    message: string,
  ) {
    super(message);
  }
}

/** More than this many bytes once inflated is refused (a compression bomb); 2^24 entries of 8 bits. */
export const DEFAULT_MAX_LIST_BYTES = 16 * 1024 * 1024;

export class StatusList {
  private readonly bytes: Buffer;

  /** A list of `size` entries (rounded up to a whole byte), all VALID. */
  constructor(
    size: number,
    readonly bits: StatusBits = 2,
  ) {
    checkBits(bits);
    if (!Number.isSafeInteger(size) || size < 1) throw new StatusListError('OUT_OF_RANGE', 'a status list has at least one entry');
    const length = Math.ceil((size * bits) / 8);
    if (length > DEFAULT_MAX_LIST_BYTES) throw new StatusListError('TOO_LARGE', `a list of ${size} entries of ${bits} bits is too large`);
    this.bytes = Buffer.alloc(length);
  }

  /** A list over these uncompressed bytes (copied): 8 / bits entries per byte. */
  static fromBytes(bytes: Uint8Array, bits: StatusBits): StatusList {
    checkBits(bits);
    if (!bytes.length) throw new StatusListError('BAD_LST', 'a status list has at least one byte');
    const list = new StatusList((bytes.length * 8) / bits, bits);
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).copy(list.bytes);
    return list;
  }

  /** Reads the JSON form: base64url, then ZLIB inflate (at most `maxBytes` out). */
  static decode(encoded: { readonly bits: unknown; readonly lst: unknown }, options: { maxBytes?: number } = {}): StatusList {
    const bits = encoded.bits;
    if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8)
      throw new StatusListError('BAD_BITS', `bits ${JSON.stringify(bits)} is not 1, 2, 4 or 8`);
    if (typeof encoded.lst !== 'string' || encoded.lst === '') throw new StatusListError('BAD_LST', 'lst is not a string');
    let compressed: Buffer;
    try {
      compressed = decodeBase64url(encoded.lst, 'lst');
    } catch (error) {
      if (error instanceof JwsFormatError) throw new StatusListError('BAD_LST', error.message);
      throw error;
    }
    let bytes: Buffer;
    try {
      bytes = inflateSync(compressed, { maxOutputLength: options.maxBytes ?? DEFAULT_MAX_LIST_BYTES });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE' || (error instanceof RangeError && /maxOutputLength|too large/i.test(error.message)))
        throw new StatusListError('TOO_LARGE', 'lst inflates to more than the limit');
      throw new StatusListError('BAD_LST', 'lst is not DEFLATE in the ZLIB format (RFC 1950)');
    }
    return StatusList.fromBytes(bytes, bits);
  }

  /** How many entries the list holds. */
  get size(): number {
    return (this.bytes.length * 8) / this.bits;
  }

  /** The status at `idx`; an index beyond the list throws OUT_OF_RANGE (the draft: reject the token). */
  get(idx: number): number {
    const { byte, shift } = this.locate(idx);
    return (this.bytes[byte] >> shift) & this.mask;
  }

  set(idx: number, status: number): void {
    if (!Number.isInteger(status) || status < 0 || status > this.mask)
      throw new StatusListError('BAD_STATUS', `status ${status} does not fit in ${this.bits} bit(s)`);
    const { byte, shift } = this.locate(idx);
    this.bytes[byte] = (this.bytes[byte] & ~(this.mask << shift)) | (status << shift);
  }

  /** The JSON form: ZLIB (RFC 1950) DEFLATE at level 9, base64url. */
  encode(): EncodedStatusList {
    return { bits: this.bits, lst: deflateSync(this.bytes, { level: zlib.Z_BEST_COMPRESSION }).toString('base64url') };
  }

  /** A copy of the uncompressed bytes. */
  toBytes(): Buffer {
    return Buffer.from(this.bytes);
  }

  private get mask(): number {
    return (1 << this.bits) - 1;
  }

  private locate(idx: number): { byte: number; shift: number } {
    if (!Number.isSafeInteger(idx) || idx < 0 || idx >= this.size)
      throw new StatusListError('OUT_OF_RANGE', `index ${idx} is outside the list (0..${this.size - 1})`);
    const bit = idx * this.bits;
    return { byte: Math.floor(bit / 8), shift: bit % 8 };
  }
}

function checkBits(bits: number): asserts bits is StatusBits {
  if (bits !== 1 && bits !== 2 && bits !== 4 && bits !== 8) throw new StatusListError('BAD_BITS', `bits ${bits} is not 1, 2, 4 or 8`);
}
