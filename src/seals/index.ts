/** The seal library (GB/T 38540-2020, GM/T 0031-2014 read): structures, checks, and making seals and stamps. */
export { decodeSeal, decodeSealV4, decodeSesSignature } from './asn1/decode.js';
export type * from './asn1/model.js';
export { CERT_LIST_TYPE } from './asn1/model.js';
export { SealFormatError } from './asn1/seal-format-error.js';
export { encodeSealInfoV4, encodeSealV4 } from './asn1/seal-v4.js';
export { encodeSesSignatureV4, encodeTbsSignV4, type SesSignatureV4Fields, type TbsSignV4Fields } from './asn1/signature-v4.js';
export { checkCertList } from './checks/cert-list.js';
export { checkMakerSignature } from './checks/maker-signature.js';
export type { SealCheck } from './checks/seal-check.js';
export { checkSealValidity } from './checks/seal-validity.js';
export { checkSignerSignature } from './checks/signer-signature.js';
export { makeSealV4, type SealV4Request } from './make/make-seal.js';
export { makeSesSignatureV4, type SesSignatureV4Request } from './make/make-signature.js';
export type { SignBytes } from './make/sign-bytes.js';
export { makerSignatureOf, sealPropertyOf, signerSignatureOf, signingTimeOf, type SignedPart } from './signed-parts.js';
