import type { DecodedSesSignature } from '../asn1/model.js';
import { signerSignatureOf } from '../signed-parts.js';
import type { SealCheck } from './seal-check.js';
import { checkSignatureWithCertificate } from './signature-with-certificate.js';

/** The signer's signature over TBS_Sign, with the certificate the SES_Signature carries. */
export function checkSignerSignature(signature: DecodedSesSignature): SealCheck {
  return checkSignatureWithCertificate(signerSignatureOf(signature), "the signer's signature over the stamp (TBS_Sign)");
}
