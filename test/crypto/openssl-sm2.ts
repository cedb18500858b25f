import { mustOpenssl, openssl, type Scratch } from '../pki/support.js';

/** OpenSSL 3.0 as the independent SM2 checker: raw signatures with SM3 and a distinguishing (user) ID. */
export const OPENSSL_DEFAULT_ID = '1234567812345678';

/** `openssl pkeyutl -sign` of the file at `messagePath` with the PEM key at `keyPath`; the DER signature. */
export function opensslSm2Sign(scratch: Scratch, keyPath: string, messagePath: string, userId = OPENSSL_DEFAULT_ID): Buffer {
  const out = scratch.path(`sig-${Math.random().toString(36).slice(2)}.der`);
  mustOpenssl([
    'pkeyutl',
    '-sign',
    '-inkey',
    keyPath,
    '-rawin',
    '-digest',
    'sm3',
    '-pkeyopt',
    `distid:${userId}`,
    '-in',
    messagePath,
    '-out',
    out,
  ]);
  return scratch.read(out.slice(scratch.dir.length + 1));
}

/**
 * Whether `openssl pkeyutl -verify` accepts the signature. `keyPath` is a public key PEM, or a
 * certificate with `certificate: true`.
 */
export function opensslSm2Verify(
  scratch: Scratch,
  keyPath: string,
  messagePath: string,
  signature: Buffer,
  options: { userId?: string; certificate?: boolean } = {},
): boolean {
  const sigPath = scratch.write(`sig-${Math.random().toString(36).slice(2)}.der`, signature);
  const run = openssl([
    'pkeyutl',
    '-verify',
    options.certificate ? '-certin' : '-pubin',
    '-inkey',
    keyPath,
    '-rawin',
    '-digest',
    'sm3',
    '-pkeyopt',
    `distid:${options.userId ?? OPENSSL_DEFAULT_ID}`,
    '-in',
    messagePath,
    '-sigfile',
    sigPath,
  ]);
  if (run.status === 0 && run.stdout.includes('Signature Verified Successfully')) return true;
  if (run.status === 1 && run.stdout.includes('Signature Verification Failure')) return false;
  throw new Error(`openssl pkeyutl -verify could not run (${run.status}): ${run.stdout} ${run.stderr}`);
}

/** A self-signed SM2 certificate (SM2-with-SM3, default ID) made by OpenSSL for the PEM key; its DER. */
export function opensslSm2Certificate(scratch: Scratch, keyPath: string, subject: string, days = 365): Buffer {
  const out = scratch.path(`cert-${Math.random().toString(36).slice(2)}.der`);
  mustOpenssl([
    'req',
    '-new',
    '-x509',
    '-key',
    keyPath,
    '-sm3',
    '-sigopt',
    `distid:${OPENSSL_DEFAULT_ID}`,
    '-subj',
    subject,
    '-days',
    String(days),
    '-outform',
    'DER',
    '-out',
    out,
  ]);
  return scratch.read(out.slice(scratch.dir.length + 1));
}
