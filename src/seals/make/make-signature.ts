import { decodeSealV4, decodeSesSignature } from '../asn1/decode.js';
import type { DecodedSesSignatureV4, ExtData } from '../asn1/model.js';
import { assembleSesSignatureV4, encodeTbsSignV4 } from '../asn1/signature-v4.js';
import { checkSignerSignature } from '../checks/signer-signature.js';
import type { SignBytes } from './sign-bytes.js';

export interface SesSignatureV4Request {
  /** The GB/T 38540 seal stamped with, as its maker issued it (DER); it goes into the stamp unchanged. */
  readonly seal: Buffer;
  /** Signing time, whole seconds. */
  readonly timeInfo: Date;
  /** Hash of the signed data (SM3 for SM2 keys, SHA-256 for P-256, by design §8). */
  readonly dataHash: Buffer;
  readonly propertyInfo: string;
  readonly extDatas?: readonly ExtData[];
  /** The signer's certificate, DER: its key must be the one `sign` signs with. */
  readonly cert: Buffer;
  readonly signatureAlgID: string;
}

/**
 * A GB/T 38540 SES_Signature: DER(TBS_Sign) signed through `sign`, assembled, read back and its
 * signature checked. Whether the seal allows this signer or was valid at timeInfo is left to the
 * caller (and to every verifier): this only makes the structure.
 */
export async function makeSesSignatureV4(request: SesSignatureV4Request, sign: SignBytes): Promise<DecodedSesSignatureV4> {
  decodeSealV4(request.seal);
  const { seal, timeInfo, dataHash, propertyInfo, extDatas, cert, signatureAlgID } = request;
  const toSignDer = encodeTbsSignV4({ eseal: seal, timeInfo, dataHash, propertyInfo, ...(extDatas ? { extDatas } : {}) });
  const signature = await sign(toSignDer);
  const decoded = decodeSesSignature(assembleSesSignatureV4(toSignDer, { cert, signatureAlgID, signature }));
  if (decoded.layout !== 'v4') throw new Error('a GB/T 38540 signature was made but another layout read back');
  const check = checkSignerSignature(decoded);
  if (check.status !== 'PASSED') throw new Error(`the new signature does not verify: ${check.message}`);
  return decoded;
}
