import { sm2 } from 'sm-crypto-v2';

/** The order n of the SM2 curve's base point (GM/T 0003.5). */
export const SM2_ORDER = BigInt('0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123');

export class Sm2KeyError extends Error {
  override readonly name = 'Sm2KeyError';
}

/** An SM2 public key: a point on the SM2 curve, kept in its uncompressed form 04‖X‖Y. */
export class Sm2PublicKey {
  private constructor(
    /** 65 bytes: 04‖X‖Y. */
    readonly point: Buffer,
    /** The same, as the lowercase hex sm-crypto-v2 takes. */
    readonly hex: string,
  ) {}

  /** From an uncompressed point (04‖X‖Y, as X.509 and OpenSSL write it), checked to be on the curve. */
  static fromPoint(bytes: Uint8Array): Sm2PublicKey {
    if (bytes.length !== 65 || bytes[0] !== 0x04) throw new Sm2KeyError('an SM2 public key must be an uncompressed point of 65 bytes');
    const hex = Buffer.from(bytes).toString('hex');
    if (!onCurve(hex)) throw new Sm2KeyError('the point is not on the SM2 curve');
    return new Sm2PublicKey(Buffer.from(bytes), hex);
  }

  equals(other: Sm2PublicKey): boolean {
    return this.point.equals(other.point);
  }
}

/** An SM2 private key d (1 ≤ d ≤ n−2, GM/T 0003.1) with its public key. */
export class Sm2PrivateKey {
  private constructor(
    /** d as 64 lowercase hex digits, as sm-crypto-v2 takes it. */
    readonly scalarHex: string,
    readonly publicKey: Sm2PublicKey,
  ) {}

  static generate(): Sm2PrivateKey {
    for (;;) {
      const { privateKey } = sm2.generateKeyPairHex();
      // sm-crypto-v2 draws d from [1, n−1]; SM2 signing needs (1 + d) invertible, so d = n−1 is drawn again.
      if (BigInt(`0x${privateKey}`) <= SM2_ORDER - 2n) return Sm2PrivateKey.fromScalar(Buffer.from(privateKey, 'hex'));
    }
  }

  /** From the big-endian scalar (at most 32 bytes; shorter is left-padded). */
  static fromScalar(bytes: Uint8Array): Sm2PrivateKey {
    if (!bytes.length || bytes.length > 32) throw new Sm2KeyError('an SM2 private key is at most 32 bytes');
    const scalarHex = Buffer.from(bytes).toString('hex').padStart(64, '0');
    const d = BigInt(`0x${scalarHex}`);
    if (d < 1n || d > SM2_ORDER - 2n) throw new Sm2KeyError('the SM2 private key is out of range');
    const publicHex = sm2.getPublicKeyFromPrivateKey(scalarHex);
    return new Sm2PrivateKey(scalarHex, Sm2PublicKey.fromPoint(Buffer.from(publicHex, 'hex')));
  }

  /** d as 32 big-endian bytes. */
  scalar(): Buffer {
    return Buffer.from(this.scalarHex, 'hex');
  }
}

function onCurve(hex: string): boolean {
  try {
    return sm2.verifyPublicKey(hex);
  } catch {
    return false; // sm-crypto-v2 throws (rather than answering false) for most points off the curve
  }
}
