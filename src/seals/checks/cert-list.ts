import { createHash } from 'node:crypto';
import { CRYPTO_OID } from '../../crypto/oids.js';
import { SubIndication } from '../../verification/report.js';
import type { CertDigest, DecodedSeal, SesCertList } from '../asn1/model.js';
import type { SealCheck } from './seal-check.js';

/**
 * Digest algorithms a certList may name (ObjType is free text: names and OIDs are both seen),
 * as node:crypto hash names. SHA-1 is left out on purpose: a seal would then allow any certificate
 * with a colliding digest.
 */
const DIGESTS: Readonly<Record<string, string>> = {
  sm3: 'sm3',
  [CRYPTO_OID.sm3]: 'sm3',
  sha256: 'sha256',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  sha384: 'sha384',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  sha512: 'sha512',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Whether the signer's certificate is one the seal allows: in its certList, by certificate or (certListType 2) by digest. */
export function checkCertList(seal: DecodedSeal, signerCert: Buffer): SealCheck {
  // GM/T 0031-2014 seals list certificates only.
  const certList: SesCertList =
    seal.layout === 'v4' ? seal.eSealInfo.property.certList : { kind: 'certs', certs: seal.sealInfo.property.certList };
  if (certList.kind === 'certs') {
    const index = certList.certs.findIndex((cert) => cert.equals(signerCert));
    if (index >= 0)
      return {
        status: 'PASSED',
        message: `the signer's certificate is the seal's allowed certificate ${index + 1} of ${certList.certs.length}`,
      };
    return notListed(`the signer's certificate is not among the ${certList.certs.length} certificate(s) the seal allows`);
  }
  return checkDigests(certList.digests, signerCert);
}

function checkDigests(digests: readonly CertDigest[], signerCert: Buffer): SealCheck {
  const unknown = new Set<string>();
  for (const [index, digest] of digests.entries()) {
    const hash = DIGESTS[digest.type.toLowerCase().replace(/[-_ ]/g, '')];
    if (!hash) {
      unknown.add(digest.type);
      continue;
    }
    if (createHash(hash).update(signerCert).digest().equals(digest.value))
      return {
        status: 'PASSED',
        message: `the ${digest.type} digest of the signer's certificate is the seal's allowed digest ${index + 1} of ${digests.length}`,
      };
  }
  if (unknown.size)
    return {
      status: 'INDETERMINATE',
      message: `the signer's certificate matches none of the seal's digests tongban can compute; digest algorithm(s) not supported: ${[...unknown].join(', ')}`,
      subIndication: SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
    };
  return notListed(`the signer's certificate matches none of the ${digests.length} certificate digest(s) the seal allows`);
}

function notListed(message: string): SealCheck {
  return { status: 'FAILED', message, subIndication: SubIndication.SIG_CONSTRAINTS_FAILURE };
}
