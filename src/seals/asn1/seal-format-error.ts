/**
 * A seal or signature that is not well-formed DER of the structure it claims to be (wrong tag,
 * bad or non-minimal length, trailing bytes, unknown version, wrong value type…). Decoding throws
 * this and nothing else for any input, so a verifier can answer FORMAT_FAILURE. `reason` is short
 * and says where: "eSealInfo.property.validEnd: expected a GeneralizedTime".
 */
export class SealFormatError extends Error {
  override readonly name = 'SealFormatError';

  constructor(readonly reason: string) {
    super(reason);
  }
}
