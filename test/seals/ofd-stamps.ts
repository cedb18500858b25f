import { unzipSync } from 'fflate';
import { sesFixture } from './fixtures.js';

/** One stamp in an OFD fixture, found by the file layout GB/T 33190 §18 uses (Signs/Sign_N/…), without project code. */
export interface OfdStamp {
  dir: string;
  signedValue: Buffer;
  signatureXml: Buffer;
  /** Seal.esl, when the signer stored the seal beside the signature too. */
  sealEsl?: Buffer;
}

export function ofdStamps(fixture: string): OfdStamp[] {
  const files = unzipSync(sesFixture(fixture));
  const stamps: OfdStamp[] = [];
  for (const name of Object.keys(files).sort()) {
    const match = /^(.*\/Signs\/Sign_\d+)\/SignedValue\.dat$/.exec(name);
    if (!match) continue;
    const dir = match[1];
    const file = (path: string) => (files[path] ? Buffer.from(files[path]) : undefined);
    const signatureXml = file(`${dir}/Signature.xml`);
    if (!signatureXml) throw new Error(`${fixture}: ${dir} has no Signature.xml`);
    stamps.push({ dir, signedValue: Buffer.from(files[name]), signatureXml, sealEsl: file(`${dir}/Seal.esl`) });
  }
  return stamps;
}
