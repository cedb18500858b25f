import { mustOpenssl, type Scratch } from '../pki/support.js';

/** A CA made by openssl (not by tongban), for chains to an operator's trust anchor. */
export interface OpensslCa {
  name: string;
  cert: string;
  certPath: string;
  keyPath: string;
}

export type KeySpec = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'rsa-1024';

const KEY_ARGS: Record<KeySpec, string[]> = {
  'ec-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'ec-p384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  'rsa-2048': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'rsa-1024': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
};

function key(scratch: Scratch, name: string, spec: KeySpec): string {
  const path = scratch.path(`${name}.key`);
  mustOpenssl(['genpkey', ...KEY_ARGS[spec], '-out', path]);
  return path;
}

/** A self-signed CA: basicConstraints CA (with pathlen when given) and keyUsage keyCertSign unless told otherwise. */
export function opensslRoot(
  scratch: Scratch,
  name: string,
  spec: KeySpec,
  options: { keyUsage?: string; ca?: boolean; pathLen?: number } = {},
): OpensslCa {
  const keyPath = key(scratch, name, spec);
  const certPath = scratch.path(`${name}.pem`);
  const constraints =
    options.ca === false ? 'critical,CA:FALSE' : `critical,CA:TRUE${options.pathLen !== undefined ? `,pathlen:${options.pathLen}` : ''}`;
  mustOpenssl([
    'req',
    '-x509',
    '-new',
    '-key',
    keyPath,
    '-subj',
    `/C=CN/O=Other CA tests/CN=${name}`,
    '-days',
    '30',
    '-addext',
    `basicConstraints=${constraints}`,
    '-addext',
    `keyUsage=${options.keyUsage ?? 'critical,keyCertSign,cRLSign'}`,
    '-out',
    certPath,
  ]);
  return { name, cert: scratch.read(`${name}.pem`).toString('utf8'), certPath, keyPath };
}

/** A certificate issued by `issuer`: a CA (intermediate) or a leaf, with SKI/AKI. */
export function opensslIssue(
  scratch: Scratch,
  issuer: OpensslCa,
  name: string,
  spec: KeySpec,
  options: { ca?: boolean; keyUsage?: string; days?: number } = {},
): OpensslCa {
  const keyPath = key(scratch, name, spec);
  const csrPath = scratch.path(`${name}.csr`);
  mustOpenssl(['req', '-new', '-key', keyPath, '-subj', `/C=CN/O=Other CA tests/CN=${name}`, '-out', csrPath]);
  const extPath = scratch.write(
    `${name}.ext`,
    [
      `basicConstraints=critical,CA:${options.ca ? 'TRUE' : 'FALSE'}`,
      `keyUsage=${options.keyUsage ?? (options.ca ? 'critical,keyCertSign,cRLSign' : 'critical,digitalSignature,nonRepudiation')}`,
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
    ].join('\n'),
  );
  const certPath = scratch.path(`${name}.pem`);
  mustOpenssl([
    'x509',
    '-req',
    '-in',
    csrPath,
    '-CA',
    issuer.certPath,
    '-CAkey',
    issuer.keyPath,
    '-set_serial',
    `0x${Math.floor(Math.random() * 2 ** 48).toString(16)}`,
    '-days',
    String(options.days ?? 10),
    '-extfile',
    extPath,
    '-out',
    certPath,
  ]);
  return { name, cert: scratch.read(`${name}.pem`).toString('utf8'), certPath, keyPath };
}
