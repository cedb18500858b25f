import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeUscc } from '../../src/identifiers/generate.js';

/** OpenSSL as an independent tool: the PKI's output must satisfy it, not just our own parser. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function openssl(args: string[], options: { input?: string | Buffer; cwd?: string } = {}): Run {
  const result = spawnSync('openssl', args, {
    input: typeof options.input === 'string' ? Buffer.from(options.input) : options.input,
    cwd: options.cwd,
    encoding: 'buffer',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout?.toString('latin1') ?? '', stderr: result.stderr?.toString('latin1') ?? '' };
}

/**
 * openssl without blocking the event loop: for commands that talk to a server running in this
 * very process (openssl ocsp -url …), which spawnSync would starve.
 */
export function opensslAsync(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('latin1')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('latin1')));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** openssl's output with UTF-8 shown as UTF-8 (for subjects in Chinese). */
export function opensslUtf8(args: string[], options: { cwd?: string } = {}): Run {
  const result = spawnSync('openssl', args, { cwd: options.cwd, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/**
 * `openssl verify` options for SM2 certificates signed with GM/T 0009's default user ID: OpenSSL 3.0
 * checks X.509 SM2 signatures with an empty ID unless told, and applies this to the certificate
 * being verified only (not to intermediates).
 */
export const SM2_VERIFY = ['-vfyopt', 'distid:1234567812345678'];

export function mustOpenssl(args: string[], options: { input?: string | Buffer; cwd?: string } = {}): string {
  const run = openssl(args, options);
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

/** A scratch directory for openssl's files. */
export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'tongban-pki-'));

  path(name: string): string {
    return join(this.dir, name);
  }

  write(name: string, content: string | Buffer): string {
    const path = this.path(name);
    writeFileSync(path, content);
    return path;
  }

  read(name: string): Buffer {
    return readFileSync(this.path(name));
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * A fresh PKCS#10 request made by openssl (the key stays in the scratch dir, as a wallet's would).
   * `sm2`: an SM2 key, signed with SM2-with-SM3 and the default user ID (`-sigopt distid:…`);
   * `sm2-no-distid`: the same without the option (OpenSSL 3.0 then signs with an empty ID).
   */
  csr(
    name: string,
    key: 'ec-p256' | 'ec-p384' | 'rsa-1024' | 'rsa-2048' | 'ed25519' | 'sm2' | 'sm2-no-distid' = 'ec-p256',
    subject = '/CN=x',
  ): string {
    if (key === 'sm2' || key === 'sm2-no-distid') {
      mustOpenssl(['genpkey', '-algorithm', 'SM2', '-out', this.path(`${name}.key`)]);
      const distid = key === 'sm2' ? ['-sigopt', 'distid:1234567812345678'] : [];
      mustOpenssl(['req', '-new', '-key', this.path(`${name}.key`), '-sm3', ...distid, '-subj', subject, '-out', this.path(`${name}.csr`)]);
      return this.read(`${name}.csr`).toString('utf8');
    }
    const keyArgs =
      key === 'ec-p256'
        ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
        : key === 'ec-p384'
          ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384']
          : key === 'rsa-1024'
            ? ['-newkey', 'rsa:1024']
            : key === 'rsa-2048'
              ? ['-newkey', 'rsa:2048']
              : ['-newkey', 'ed25519'];
    mustOpenssl([
      'req',
      '-new',
      ...keyArgs,
      '-nodes',
      '-keyout',
      this.path(`${name}.key`),
      '-subj',
      subject,
      '-out',
      this.path(`${name}.csr`),
    ]);
    return this.read(`${name}.csr`).toString('utf8');
  }

  /** A CA of openssl's own making (not tongban's) and a leaf it issued: root.pem, leaf.pem. */
  foreignCa(prefix: string): { root: string; leaf: string } {
    mustOpenssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', this.path(`${prefix}-ca.key`)]);
    // The same subject as tongban's root, to make sure names alone prove nothing.
    mustOpenssl([
      'req',
      '-x509',
      '-new',
      '-key',
      this.path(`${prefix}-ca.key`),
      '-subj',
      '/C=CN/O=tongban/CN=tongban Issuing CA 1',
      '-days',
      '30',
      '-out',
      this.path(`${prefix}-ca.pem`),
    ]);
    this.csr(`${prefix}-leaf`);
    mustOpenssl([
      'x509',
      '-req',
      '-in',
      this.path(`${prefix}-leaf.csr`),
      '-CA',
      this.path(`${prefix}-ca.pem`),
      '-CAkey',
      this.path(`${prefix}-ca.key`),
      '-CAcreateserial',
      '-days',
      '10',
      '-out',
      this.path(`${prefix}-leaf.pem`),
    ]);
    return { root: this.read(`${prefix}-ca.pem`).toString('utf8'), leaf: this.read(`${prefix}-leaf.pem`).toString('utf8') };
  }
}

/** The PEM with one byte of its DER changed at `offsetFromEnd` bytes before the end (inside the signature). */
export function flipByte(pem: string, label: string, offsetFromEnd = 3): string {
  const body = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(body, 'base64');
  der[der.length - offsetFromEnd] ^= 0x01;
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END ${label}-----\n`;
}

let usccCounter = 0;
/** A valid USCC of its own per call. */
export function freshUscc(): string {
  usccCounter++;
  const digits = String((process.pid * 1000 + usccCounter * 7919 + Math.floor(Math.random() * 1000)) % 1_000_000).padStart(6, '0');
  return makeUscc({ region: '350100', organisationBody: `MA${digits}` });
}

export const ENTERPRISE_HEADER = 'uscc,name,type,legal_representative_id_number,address,established,status';

/** DER element from a tag and its contents (short or long-form length). */
export function derElement(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}

export const derSequence = (...items: Buffer[]) => derElement(0x30, Buffer.concat(items));
export const derUtcTime = (text: string) => derElement(0x17, Buffer.from(text, 'latin1'));

/** The top-level elements inside a DER element (a small reader of its own, independent of src/pki/der.ts). */
function derChildren(element: Buffer): Buffer[] {
  const lengthOf = (at: number) => {
    const first = element[at + 1];
    if (first < 0x80) return { header: 2, length: first };
    const count = first & 0x7f;
    return { header: 2 + count, length: element.subarray(at + 2, at + 2 + count).reduce((sum, byte) => sum * 256 + byte, 0) };
  };
  const outer = lengthOf(0);
  const items: Buffer[] = [];
  for (let at = outer.header; at < outer.header + outer.length;) {
    const { header, length } = lengthOf(at);
    items.push(element.subarray(at, at + header + length));
    at += header + length;
  }
  return items;
}

/**
 * The signed part and the signature value of a certificate, CRL or CSR (DER or PEM), read with the
 * reader above: what `openssl pkeyutl -verify` checks a signature over.
 */
export function signedPart(input: Buffer | string): { tbs: Buffer; signature: Buffer } {
  const der = typeof input === 'string' ? Buffer.from(input.replace(/-----[^-]+-----|\s/g, ''), 'base64') : input;
  const [tbs, , signatureBits] = derChildren(der);
  const header = signatureBits[1] < 0x80 ? 2 : 2 + (signatureBits[1] & 0x7f);
  return { tbs, signature: signatureBits.subarray(header + 1) }; // after the unused-bits byte
}

/**
 * The signed part of a DER OCSPResponse: its BasicOCSPResponse's tbsResponseData, signature
 * algorithm (DER) and signature value.
 */
export function ocspSignedPart(response: Buffer): { tbs: Buffer; algorithm: Buffer; signature: Buffer } {
  const [, responseBytes] = derChildren(response); // status, [0] responseBytes
  const [inner] = derChildren(responseBytes);
  const [, octets] = derChildren(inner); // responseType, response OCTET STRING
  const header = octets[1] < 0x80 ? 2 : 2 + (octets[1] & 0x7f);
  const basic = octets.subarray(header);
  const [tbs, algorithm] = derChildren(basic);
  return { tbs, algorithm, signature: signedPart(basic).signature };
}

/**
 * A certificate with parts of it replaced (the signature is kept, so it no longer verifies unless
 * nothing changed): the serial, the validity, parameters added to the signature algorithm inside and
 * outside the tbsCertificate, or outside only.
 */
export function rebuilt(
  pem: string,
  change: { serial?: Buffer; validity?: Buffer; algorithmParameters?: Buffer; outerAlgorithmParameters?: Buffer },
): string {
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const [tbs, algorithm, signature] = derChildren(der);
  const fields = derChildren(tbs);
  const at = fields[0][0] === 0xa0 ? 1 : 0; // version
  const withParameters = (parameters?: Buffer) => (parameters ? derSequence(derChildren(algorithm)[0], parameters) : algorithm);
  if (change.serial) fields[at] = change.serial;
  if (change.algorithmParameters) fields[at + 1] = withParameters(change.algorithmParameters);
  if (change.validity) fields[at + 3] = change.validity;
  const outer = withParameters(change.outerAlgorithmParameters ?? change.algorithmParameters);
  const out = derSequence(derSequence(...fields), outer, signature);
  return `-----BEGIN CERTIFICATE-----\n${out.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
}
