import type { DecodedSeal } from '../asn1/model.js';
import { makerSignatureOf } from '../signed-parts.js';
import type { SealCheck } from './seal-check.js';
import { checkSignatureWithCertificate } from './signature-with-certificate.js';

/** The seal maker's signature over the seal information, with the maker certificate in the seal. */
export function checkMakerSignature(seal: DecodedSeal): SealCheck {
  return checkSignatureWithCertificate(makerSignatureOf(seal), "the maker's signature over the seal information");
}
