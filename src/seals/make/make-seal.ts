import { decodeSealV4 } from '../asn1/decode.js';
import type { DecodedSealV4, SesSealInfoV4 } from '../asn1/model.js';
import { assembleSealV4, encodeSealInfoV4 } from '../asn1/seal-v4.js';
import { checkMakerSignature } from '../checks/maker-signature.js';
import type { SignBytes } from './sign-bytes.js';

export interface SealV4Request {
  readonly eSealInfo: SesSealInfoV4;
  /** The maker's certificate, DER: its key must be the one `sign` signs with. */
  readonly cert: Buffer;
  /** 1.2.156.10197.1.501 (SM2 with SM3) or 1.2.840.10045.4.3.2 (ECDSA P-256 with SHA-256). */
  readonly signAlgID: string;
}

/**
 * A GB/T 38540 seal: DER(eSealInfo) signed through `sign`, assembled, read back, and its signature
 * checked with the maker certificate before it is handed out — a key and certificate that do not
 * belong together fail here, not at every verifier later.
 */
export async function makeSealV4(request: SealV4Request, sign: SignBytes): Promise<DecodedSealV4> {
  const eSealInfoDer = encodeSealInfoV4(request.eSealInfo);
  const signedValue = await sign(eSealInfoDer);
  const seal = decodeSealV4(assembleSealV4(eSealInfoDer, { cert: request.cert, signAlgID: request.signAlgID, signedValue }));
  const check = checkMakerSignature(seal);
  if (check.status !== 'PASSED') throw new Error(`the new seal's signature does not verify: ${check.message}`);
  return seal;
}
