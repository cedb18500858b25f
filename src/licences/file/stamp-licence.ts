import { CRYPTO_OID } from '../../crypto/oids.js';
import { sm3 } from '../../crypto/sm3.js';
import { SIGNATURE_METHOD, stampOfd } from '../../ofd/index.js';
import { makeSesSignatureV4, type SignBytes } from '../../seals/index.js';
import type { LicenceStampArea } from './licence-layout.js';

export interface LicenceStampOptions {
  /** The issuing authority's seal (SESeal DER, SM2), as tongban made it (LicenceSeals.sealFor). */
  readonly seal: Buffer;
  /** The signer's certificate (DER): the one the seal's certList lists, whose key `sign` signs with. */
  readonly certificate: Buffer;
  /** Signs DER(TBS_Sign) with SM2-with-SM3 and answers the DER signature; the key stays where it is (tongban's KeyStore). */
  readonly sign: SignBytes;
  /** Where the seal goes: the stampArea renderLicenceOfd answered. */
  readonly area: LicenceStampArea;
  /** TBS_Sign.timeInfo and the OFD's SignatureDateTime; default now, whole seconds. */
  readonly signingTime?: Date;
}

/**
 * Stamps a licence file (renderLicenceOfd's OFD) with the issuing authority's seal: an OFD Seal
 * signature (stampOfd) whose SignedValue.dat is a GB/T 38540 SES_Signature over the SM3 of its
 * Signature.xml, SM2 with SM3, at the stamp area. The signature is checked against the
 * certificate before the file is returned (makeSesSignatureV4). What a verifier then checks —
 * the seal's maker, the signer in the certList, both chains, revocation — is tongban's own SM2
 * hierarchy, so POST /api/v1/verify/document answers TOTAL_PASSED.
 */
export async function stampLicenceOfd(ofd: Uint8Array, options: LicenceStampOptions): Promise<Buffer> {
  const signingTime = new Date(Math.floor((options.signingTime ?? new Date()).getTime() / 1000) * 1000);
  const { area } = options;
  return stampOfd(ofd, {
    page: area.page,
    x: area.x,
    y: area.y,
    width: area.width,
    height: area.height,
    seal: options.seal,
    provider: { name: 'tongban', company: 'tongban' },
    signatureMethod: SIGNATURE_METHOD.sm2,
    signingTime,
    sign: async (signatureXml, context) =>
      (
        await makeSesSignatureV4(
          {
            seal: options.seal,
            timeInfo: context.signingTime,
            dataHash: sm3(signatureXml),
            propertyInfo: context.signatureLoc,
            cert: options.certificate,
            signatureAlgID: CRYPTO_OID.sm2WithSm3,
          },
          options.sign,
        )
      ).der,
  });
}
