import { createHash, createPrivateKey, createPublicKey, randomBytes, sign as nodeSign, webcrypto, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CompactSign } from 'jose';
import { CRYPTO_OID } from '../crypto/oids.js';
import { ecSignatureToRaw } from '../crypto/raw-ec-signature.js';
import { decodeSm2PrivateKey } from '../crypto/sm2-key-encoding.js';
import type { Sm2PrivateKey } from '../crypto/sm2-keys.js';
import { sm2Sign } from '../crypto/sm2.js';
import { canonicalUscc } from '../identifiers/uscc.js';
import { parseSdJwt, presentSdJwt, SdJwtFormatError, SdJwtPresentationError } from '../licences/sd-jwt/index.js';
import { bitString, integer, oid, sequence, tlv } from '../pki/der.js';
import { toPem } from '../pki/x509.js';
import type { SignBytes } from '../seals/index.js';
import {
  chainAbove,
  issuedBy,
  enterpriseNameOf,
  organisationIdentifiers,
  parseCertificate,
  spkiOf,
  usccOf,
  validityAt,
  x509,
  x5cEntry,
  type ValidityState,
} from './certificates.js';
import { WalletError } from './errors.js';
import { ensurePrivateDir, readJsonFile, writePrivateFile } from './files.js';
import {
  checkNewPassphrase,
  createKeyFile,
  decryptKeyFile,
  normalisePassphrase,
  parseKeyFile,
  unsupportedKeyType,
  walletKeyType,
  type KeyFile,
  type WalletAlg,
} from './key-file.js';
import { isExpired, loginEndpoint, parseLoginChallenge, type LoginChallenge } from './login-challenge.js';
import { decodePkcs12, encodePkcs12, privateKeyAlgorithm } from './pkcs12.js';
import {
  makeDetachedStamp,
  makeOfdStamp,
  planStamp,
  type StampCommonOptions,
  type StampFileOptions,
  type StampOfdOptions,
  type StampPlan,
  type WalletPublicSide,
} from './stamp.js';

export const KEY_FILE = 'key.json';
/** The `typ` of a wallet proof (the holder routes' `Authorization: Wallet …`). */
export const HOLDER_PROOF_TYP = 'tongban-wallet+jwt';
export const LICENCES_DIR = 'licences';

/** `--wallet DIR`, else `TONGBAN_WALLET`, else `~/.tongban/wallet`. */
export function defaultWalletDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TONGBAN_WALLET ? resolve(env.TONGBAN_WALLET) : join(homedir(), '.tongban', 'wallet');
}

/** What the issuer returns for a CSR: `POST /api/v1/enterprises/{uscc}/licence` → 201, or the CLI operation `licence.issue`. */
export interface IssuedLicence {
  serial: string;
  /** The enterprise's licence certificate, PEM. */
  certificate: string;
  /** The issuing CA, then the root, PEM. */
  chain: string[];
  /** The licence document (e.g. an SD-JWT VC), kept as given. */
  licence?: unknown;
  enterprise?: { uscc: string; name: string };
  issuedAt?: string;
}

/** `licences/<USCC>.json`. */
export interface StoredLicence {
  format: 'tongban-wallet-licence';
  version: 1;
  uscc: string;
  enterpriseName: string | null;
  serial: string;
  certificate: string;
  chain: string[];
  licence: unknown;
  issuedAt: string;
  storedAt: string;
}

/** What `tongban wallet show` prints about a licence: public facts only. */
export interface LicenceSummary {
  uscc: string;
  enterpriseName: string | null;
  serial: string;
  certificateSerial: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  state: ValidityState;
  issuedAt: string;
}

export interface WalletInfo {
  dir: string;
  /** ES256 (ECDSA P-256) or SM2SM3 (SM2 with SM3). */
  alg: WalletAlg;
  /** RFC 7638 thumbprint of the wallet's public key. */
  thumbprint: string;
  createdAt: string;
  licences: LicenceSummary[];
}

export interface LoginResult {
  status: 'accepted';
  uscc: string;
  enterpriseName: string;
  /** The service signed in to. */
  aud: string;
}

export interface LoginOptions {
  /** Which licence to sign with; may be left out when the wallet holds exactly one. */
  uscc?: string;
  fetch?: typeof globalThis.fetch;
  now?: Date;
  /** Refuse a challenge for any other service (AUDIENCE_MISMATCH). */
  expectedAudience?: string;
  timeoutMs?: number;
}

/**
 * Creates a wallet: its directory (0700) and a new key in `key.json` (0600) encrypted under the
 * passphrase — ECDSA P-256 unless `alg` is SM2SM3 (an SM2 key). Refuses (WALLET_EXISTS) when the
 * directory already holds a key, unless `force`: then the old key and its licences are moved aside
 * to `retired/<time>/`, never deleted.
 */
export async function initWallet(
  dir: string,
  passphrase: string,
  options: { force?: boolean; now?: Date; alg?: WalletAlg } = {},
): Promise<Wallet> {
  const now = options.now ?? new Date();
  refuseExisting(dir, options);
  const { file, privateKey } = await createKeyFile(passphrase, now, undefined, options.alg ?? 'ES256');
  installKeyFile(dir, file, now, options);
  return new Wallet(dir, file, privateKey);
}

export interface ImportOptions {
  /** The wallet's passphrase: the new key.json is encrypted under it. */
  passphrase: string;
  /** The file's password, when not the same as the passphrase. */
  filePassword?: string;
  /** Replace a wallet already in the directory (its key and licences go to `retired/<time>/`). */
  force?: boolean;
  now?: Date;
}

export interface ImportResult {
  wallet: Wallet;
  licence: StoredLicence;
  /** Certificates in the file that are neither the licence nor above it, and were not kept. */
  certificatesLeftOut: number;
}

/**
 * Makes a wallet in `dir` from a PKCS#12 file (one written by `exportPkcs12`, by
 * `openssl pkcs12 -export` or another tool): its private key becomes the wallet key (encrypted
 * under the passphrase, as `init` does) and the certificate for it, with the certificates above
 * it, the wallet's licence. Refuses, before writing anything: a wallet already there unless
 * `force` (WALLET_EXISTS), a file that does not open (P12_UNREADABLE, P12_WRONG_PASSWORD,
 * P12_UNSUPPORTED), without exactly one key (P12_NO_KEY, P12_UNSUPPORTED), with a key of a kind
 * the wallet does not hold (UNSUPPORTED_KEY_TYPE), without a certificate for the key
 * (P12_KEY_MISMATCH), or whose certificate names no enterprise (P12_NO_LICENCE). The licence
 * document the issuer gave with the certificate is not in such a file: the imported licence has none.
 */
export async function importPkcs12(dir: string, p12: Buffer, options: ImportOptions): Promise<ImportResult> {
  const now = options.now ?? new Date();
  checkNewPassphrase(options.passphrase);
  refuseExisting(dir, options);
  const contents = await decodePkcs12(p12, normalisePassphrase(options.filePassword ?? options.passphrase));
  if (!contents.keys.length) throw new WalletError('P12_NO_KEY', 'the file holds no private key');
  if (contents.keys.length > 1)
    throw new WalletError('P12_UNSUPPORTED', `the file holds ${contents.keys.length} private keys; a wallet holds one`);
  const [key] = contents.keys;
  const privateKey = readPrivateKey(key.privateKeyInfo);
  walletKeyType(privateKey);
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const certificates = contents.certificates.map((c) => ({ ...c, certificate: parseCertificateDer(c.der) }));
  const forKey = certificates.filter((c) => spkiOf(c.certificate).equals(spki));
  if (!forKey.length) {
    throw new WalletError(
      'P12_KEY_MISMATCH',
      contents.certificates.length
        ? 'no certificate in the file is for its private key'
        : 'the file holds no certificate for its private key',
    );
  }
  // Several certificates for the one key: the one the file ties to it, else the one valid longest.
  forKey.sort(
    (a, b) =>
      Number(tiedTo(b, key.localKeyId)) - Number(tiedTo(a, key.localKeyId)) ||
      b.certificate.notAfter.getTime() - a.certificate.notAfter.getTime(),
  );
  const leaf = forKey[0].certificate;
  const uscc = usccOf(leaf);
  if (!uscc)
    throw new WalletError(
      'P12_NO_LICENCE',
      `the certificate for the key (${leaf.subject}) names no enterprise: it is not a licence certificate`,
    );
  const others = certificates.map((c) => c.certificate).filter((c) => c !== leaf);
  const chain = await chainAbove(leaf, others);

  const { file } = await createKeyFile(options.passphrase, now, privateKey);
  installKeyFile(dir, file, now, options);
  const wallet = new Wallet(dir, file, privateKey);
  const licence = await wallet.storeLicence(
    uscc,
    {
      serial: leaf.serialNumber,
      certificate: leaf.toString('pem'),
      chain: chain.map((c) => c.toString('pem')),
      enterprise: { uscc, name: enterpriseNameOf(leaf) ?? '' },
      issuedAt: leaf.notBefore.toISOString(),
    },
    now,
  );
  return { wallet, licence, certificatesLeftOut: others.length - chain.length };
}

function refuseExisting(dir: string, options: { force?: boolean }): void {
  if (existsSync(join(dir, KEY_FILE)) && !options.force) {
    throw new WalletError(
      'WALLET_EXISTS',
      `${dir} already holds a wallet key; use --force to replace it (the old key is kept in ${join(dir, 'retired')})`,
    );
  }
}

/** Writes key.json; a key already there is moved aside with its licences to `retired/<time>/`, never deleted. */
function installKeyFile(dir: string, file: KeyFile, now: Date, options: { force?: boolean } = {}): void {
  const keyPath = join(dir, KEY_FILE);
  refuseExisting(dir, options);
  ensurePrivateDir(dir);
  if (existsSync(keyPath)) {
    const retired = join(dir, 'retired', now.toISOString().replace(/[:.]/g, '-'));
    ensurePrivateDir(join(dir, 'retired'));
    ensurePrivateDir(retired);
    renameSync(keyPath, join(retired, KEY_FILE));
    if (existsSync(join(dir, LICENCES_DIR))) renameSync(join(dir, LICENCES_DIR), join(retired, LICENCES_DIR));
  }
  ensurePrivateDir(join(dir, LICENCES_DIR));
  writePrivateFile(keyPath, JSON.stringify(file, null, 2) + '\n', { exclusive: true });
}

function readPrivateKey(privateKeyInfo: Buffer): KeyObject {
  try {
    return createPrivateKey({ key: privateKeyInfo, format: 'der', type: 'pkcs8' });
  } catch {
    const algorithm = privateKeyAlgorithm(privateKeyInfo);
    if (algorithm) throw unsupportedKeyType(`of the algorithm ${algorithm}, which this wallet does not read`);
    throw new WalletError('P12_UNREADABLE', 'the private key in the file cannot be read');
  }
}

function parseCertificateDer(der: Buffer): x509.X509Certificate {
  try {
    return new x509.X509Certificate(new Uint8Array(der));
  } catch {
    throw new WalletError('P12_UNREADABLE', 'a certificate in the file cannot be read');
  }
}

function tiedTo(candidate: { localKeyId?: Buffer }, localKeyId: Buffer | undefined): boolean {
  return Boolean(localKeyId && candidate.localKeyId?.equals(localKeyId));
}

/** Opens a wallet with its passphrase (NO_WALLET, WRONG_PASSPHRASE, CORRUPT_WALLET). */
export async function openWallet(dir: string, passphrase: string): Promise<Wallet> {
  const file = readKeyFile(dir);
  return new Wallet(dir, file, await decryptKeyFile(file, passphrase));
}

/**
 * Whether this wallet can stamp with the seal, from its public data alone (no passphrase): the
 * checks and refusals of planStamp, so a caller refuses before asking for the passphrase. The
 * stamp itself checks again.
 */
export function planWalletStamp(dir: string, options: StampCommonOptions): StampPlan {
  const file = readKeyFile(dir);
  return planStamp({ alg: file.alg, publicJwk: file.publicJwk, licences: listLicences(dir) }, options);
}

/** The public facts of a wallet (key thumbprint, licences), without the passphrase. */
export function readWalletInfo(dir: string, now: Date = new Date()): WalletInfo {
  const file = readKeyFile(dir);
  return {
    dir,
    alg: file.alg,
    thumbprint: file.thumbprint,
    createdAt: file.createdAt,
    licences: listLicences(dir).map((l) => describeLicence(l, now)),
  };
}

/** The stored licences, by USCC. */
export function listLicences(dir: string): StoredLicence[] {
  const folder = join(dir, LICENCES_DIR);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => /^[0-9A-Z]{18}\.json$/.test(name))
    .sort()
    .map((name) => readLicenceFile(join(folder, name)));
}

export function readLicence(dir: string, uscc: string): StoredLicence | null {
  const canonical = canonicalUscc(uscc);
  if (!canonical) throw new WalletError('INVALID_USCC', 'not a valid unified social credit code');
  const path = join(dir, LICENCES_DIR, `${canonical}.json`);
  return existsSync(path) ? readLicenceFile(path) : null;
}

export function describeLicence(stored: StoredLicence, now: Date = new Date()): LicenceSummary {
  const certificate = parseCertificate(stored.certificate);
  return {
    uscc: stored.uscc,
    enterpriseName: stored.enterpriseName,
    serial: stored.serial,
    certificateSerial: certificate.serialNumber,
    subject: certificate.subject,
    issuer: certificate.issuer,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    state: validityAt(certificate, now),
    issuedAt: stored.issuedAt,
  };
}

/**
 * An opened wallet: the holder side of the electronic business licence. The private key stays in
 * this object; nothing here writes or returns it. An SM2 key signs with sm2Sign (SM3, default user
 * ID), never through node:crypto, which only holds it.
 */
export class Wallet {
  readonly publicKey: KeyObject;
  private sm2?: Sm2PrivateKey;

  /** Use initWallet or openWallet. */
  constructor(
    readonly dir: string,
    private readonly keyFile: KeyFile,
    private readonly privateKey: KeyObject,
  ) {
    this.publicKey = createPublicKey(privateKey);
  }

  get thumbprint(): string {
    return this.keyFile.thumbprint;
  }

  /** The JWS algorithm of the wallet key. */
  get alg(): KeyFile['alg'] {
    return this.keyFile.alg;
  }

  get publicJwk(): KeyFile['publicJwk'] {
    return { ...this.keyFile.publicJwk };
  }

  /** The public key as SubjectPublicKeyInfo DER. */
  get spki(): Buffer {
    return this.publicKey.export({ format: 'der', type: 'spki' });
  }

  /** The SM2 key, for signing (read from the PKCS#8 once). */
  private sm2Key(): Sm2PrivateKey {
    this.sm2 ??= decodeSm2PrivateKey(this.privateKey.export({ format: 'der', type: 'pkcs8' }));
    return this.sm2;
  }

  /**
   * A PKCS#10 request for the enterprise's licence certificate, signed with the wallet key
   * (ECDSA with SHA-256, or SM2 with SM3 and the default user ID). The subject carries the USCC as
   * organizationIdentifier (and the name as CN when given); the CA takes the subject it issues
   * from the registry anyway.
   */
  async createCsr(input: { uscc: string; name?: string }): Promise<string> {
    const uscc = canonicalUscc(input.uscc);
    if (!uscc) throw new WalletError('INVALID_USCC', 'not a valid unified social credit code');
    const name = new x509.Name([{ '2.5.4.97': [uscc] }, ...(input.name ? [{ CN: [input.name] }] : [])]);
    if (this.alg === 'SM2SM3') {
      // CertificationRequestInfo (RFC 2986): version 0, subject, the key, no attributes ([0] empty).
      const info = sequence(integer(Buffer.from([0])), Buffer.from(name.toArrayBuffer()), this.spki, tlv(0xa0));
      const request = sequence(info, sequence(oid(CRYPTO_OID.sm2WithSm3)), bitString(sm2Sign(info, this.sm2Key())));
      return toPem(request, 'CERTIFICATE REQUEST');
    }
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
    const privateKey = await webcrypto.subtle.importKey(
      'pkcs8',
      this.privateKey.export({ format: 'der', type: 'pkcs8' }),
      algorithm,
      false,
      ['sign'],
    );
    const publicKey = await webcrypto.subtle.importKey('spki', this.spki, algorithm, true, ['verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name,
      keys: { privateKey, publicKey },
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    return csr.toString('pem');
  }

  /**
   * Keeps what the issuer returned for an enterprise in `licences/<USCC>.json` (replacing an
   * earlier licence of that enterprise). Refuses a certificate for another key
   * (LICENCE_KEY_MISMATCH), for another enterprise (USCC_MISMATCH) or, when a chain is given, not
   * issued by its first certificate (CHAIN_MISMATCH).
   */
  async storeLicence(uscc: string, issued: IssuedLicence, now: Date = new Date()): Promise<StoredLicence> {
    const canonical = canonicalUscc(uscc);
    if (!canonical) throw new WalletError('INVALID_USCC', 'not a valid unified social credit code');
    if (!issued || typeof issued !== 'object') throw new WalletError('BAD_CERTIFICATE', 'the issuer returned no licence');
    const certificate = parseCertificate(issued.certificate);
    if (!spkiOf(certificate).equals(this.spki)) {
      throw new WalletError('LICENCE_KEY_MISMATCH', "the certificate is for another key than this wallet's: it cannot be used from here");
    }
    const identifiers = organisationIdentifiers(certificate);
    const named = issued.enterprise?.uscc;
    if (
      (named !== undefined && String(named).toUpperCase() !== canonical) ||
      (identifiers.length && !identifiers.some((v) => v.toUpperCase().endsWith(canonical)))
    ) {
      throw new WalletError('USCC_MISMATCH', `the certificate is not for enterprise ${canonical}`);
    }
    if (issued.chain !== undefined && !Array.isArray(issued.chain))
      throw new WalletError('CHAIN_MISMATCH', 'the chain must be a list of PEM certificates');
    const chain = (issued.chain ?? []).map((pem, i) => parseCertificate(pem, `chain certificate ${i + 1}`));
    // Without a chain the sign-in answer carries the licence certificate alone; with one, it must fit.
    if (chain.length && !(await issuedBy(certificate, chain[0]))) {
      throw new WalletError('CHAIN_MISMATCH', 'the certificate was not issued by the first certificate of the chain');
    }
    const stored: StoredLicence = {
      format: 'tongban-wallet-licence',
      version: 1,
      uscc: canonical,
      enterpriseName: typeof issued.enterprise?.name === 'string' ? issued.enterprise.name : null,
      serial: typeof issued.serial === 'string' && issued.serial ? issued.serial : certificate.serialNumber,
      certificate: certificate.toString('pem'),
      chain: chain.map((c) => c.toString('pem')),
      licence: issued.licence ?? null,
      issuedAt: typeof issued.issuedAt === 'string' ? issued.issuedAt : certificate.notBefore.toISOString(),
      storedAt: now.toISOString(),
    };
    ensurePrivateDir(join(this.dir, LICENCES_DIR));
    writePrivateFile(join(this.dir, LICENCES_DIR, `${canonical}.json`), JSON.stringify(stored, null, 2) + '\n');
    return stored;
  }

  /**
   * The wallet key, a licence certificate and the certificates above it (issuing CA, root, as the
   * issuer gave them) as a PKCS#12 file for other signing tools, protected by the wallet's
   * passphrase (WRONG_PASSPHRASE for any other): PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC) and an
   * HMAC-SHA-256 MAC, which OpenSSL 3 reads without `-legacy`. The key and the certificate carry
   * the same localKeyId and a friendlyName (the USCC and the enterprise's name).
   * `uscc` may be left out when the wallet holds exactly one licence.
   */
  async exportPkcs12(options: { uscc?: string; passphrase: string; iterations?: number }): Promise<Buffer> {
    await decryptKeyFile(this.keyFile, options.passphrase);
    const stored = this.chooseLicence(options.uscc);
    const certificate = Buffer.from(parseCertificate(stored.certificate).rawData);
    return encodePkcs12(
      {
        privateKeyInfo: this.privateKey.export({ format: 'der', type: 'pkcs8' }),
        certificate,
        chain: stored.chain.map((pem, i) => Buffer.from(parseCertificate(pem, `chain certificate ${i + 1}`).rawData)),
        friendlyName: stored.enterpriseName ? `${stored.uscc} ${stored.enterpriseName}` : stored.uscc,
        // Only an identifier (equal on both bags): OpenSSL takes the SHA-1 of the certificate, this the SHA-256.
        localKeyId: createHash('sha256').update(certificate).digest(),
      },
      normalisePassphrase(options.passphrase),
      { iterations: options.iterations },
    );
  }

  licences(): StoredLicence[] {
    return listLicences(this.dir);
  }

  licence(uscc: string): StoredLicence | null {
    return readLicence(this.dir, uscc);
  }

  /**
   * The compact JWS answering a sign-in challenge (design §6): ES256 by a P-256 licence key, or
   * SM2SM3 by an SM2 one (SM2 with SM3 and the default user ID over the JWS signing input, r‖s;
   * see src/enterprise-login), header `x5c` = [licence certificate, issuing CA (the chain's first,
   * when the issuer gave one)], payload exactly `{ nonce, aud, uscc, iat }`.
   * `uscc` may be left out when the wallet holds exactly one licence.
   */
  async signLoginChallenge(challenge: LoginChallenge, uscc?: string, now: Date = new Date()): Promise<string> {
    if (isExpired(challenge, now))
      throw new WalletError('CHALLENGE_EXPIRED', 'this sign-in challenge has expired: reload the sign-in page for a new one');
    const stored = this.chooseLicence(uscc);
    const certificate = parseCertificate(stored.certificate);
    const state = validityAt(certificate, now);
    if (state === 'expired')
      throw new WalletError(
        'LICENCE_EXPIRED',
        `the licence certificate of ${stored.uscc} expired on ${certificate.notAfter.toISOString()}: enrol again`,
      );
    if (state === 'not_yet_valid')
      throw new WalletError(
        'LICENCE_NOT_YET_VALID',
        `the licence certificate of ${stored.uscc} is valid from ${certificate.notBefore.toISOString()}`,
      );
    const x5c = [
      x5cEntry(certificate),
      ...stored.chain.slice(0, 1).map((pem) => x5cEntry(parseCertificate(pem, 'the issuing CA certificate'))),
    ];
    const payload = { nonce: challenge.nonce, aud: challenge.aud, uscc: stored.uscc, iat: Math.floor(now.getTime() / 1000) };
    if (this.alg === 'SM2SM3') {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const signingInput = `${encode({ alg: 'SM2SM3', x5c })}.${encode(payload)}`;
      return `${signingInput}.${ecSignatureToRaw(sm2Sign(Buffer.from(signingInput, 'ascii'), this.sm2Key())).toString('base64url')}`;
    }
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', x5c })
      .sign(this.privateKey);
  }

  /**
   * Signs in as the enterprise: reads the challenge, signs it and posts `{ jws }` to
   * `${aud}/api/v1/licence-login/${challenge_id}`. An error answer of the service is thrown as a
   * WalletError with the service's own code and HTTP status.
   */
  async login(challengeText: string, options: LoginOptions = {}): Promise<LoginResult> {
    const now = options.now ?? new Date();
    const challenge = parseLoginChallenge(challengeText, now);
    if (options.expectedAudience !== undefined && stripSlash(options.expectedAudience) !== stripSlash(challenge.aud)) {
      throw new WalletError('AUDIENCE_MISMATCH', `the challenge is for ${challenge.aud}, not ${options.expectedAudience}`);
    }
    const jws = await this.signLoginChallenge(challenge, options.uscc, now);
    const fetchFn = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetchFn(loginEndpoint(challenge), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ jws }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new WalletError('SERVICE_UNREACHABLE', `cannot reach ${challenge.aud}: ${(err as Error).message}`);
    }
    const body = await readJson(response);
    if (response.ok && body?.status === 'accepted') {
      return { status: 'accepted', uscc: text(body.uscc), enterpriseName: text(body.enterprise_name), aud: challenge.aud };
    }
    throw serviceError(response, body, 'the sign-in');
  }

  /**
   * A wallet proof for one request to the holder routes (`/api/v1/me/licences…`, see
   * src/licences/holders/wallet-proof.ts): a compact JWS, `typ` tongban-wallet+jwt, ES256 by a
   * P-256 licence key or SM2SM3 by an SM2 one, header `x5c` = [licence certificate, issuing CA],
   * payload `{ htm, htu, iat, jti, uscc }` — the method, the URL without its query, now, 128 random
   * bits used once. Sent as `Authorization: Wallet <proof>`; a new one for every request.
   * `uscc` may be left out when the wallet holds exactly one licence.
   */
  async signHolderProof(request: { method: string; url: string }, uscc?: string, now: Date = new Date()): Promise<string> {
    const stored = this.usableLicence(uscc, now);
    const htu = new URL(request.url);
    htu.search = '';
    htu.hash = '';
    const payload = {
      htm: request.method.toUpperCase(),
      htu: htu.href,
      iat: Math.floor(now.getTime() / 1000),
      jti: randomBytes(16).toString('base64url'),
      uscc: stored.uscc,
    };
    return this.signJws({ typ: HOLDER_PROOF_TYP, x5c: this.x5cOf(stored) }, payload);
  }

  /**
   * A presentation of one of the enterprise's licences (an SD-JWT VC bound to this wallet's key,
   * `cnf.jwk`): only the Disclosures of `disclose` (claim names or JSON Pointers) and a key-binding
   * JWT (RFC 9901 §4.3: `typ` kb+jwt, ES256, `aud`, `nonce`, `iat`, `sd_hash`) signed with the
   * wallet key. Refuses KEY_BINDING_UNSUPPORTED for an SM2 wallet (JOSE has no SM2 algorithm, so a
   * KB-JWT by an SM2 key is something no SD-JWT verifier reads), CREDENTIAL_NOT_FOR_THIS_KEY when
   * the credential is bound to another key (or none), and UNKNOWN_CLAIM for a claim it does not have.
   */
  async present(credential: string, options: { disclose: readonly string[]; aud: string; nonce: string; now?: Date }): Promise<string> {
    if (this.alg !== 'ES256')
      throw new WalletError(
        'KEY_BINDING_UNSUPPORTED',
        'this wallet’s key is SM2: JOSE has no SM2 algorithm, so it cannot sign the key-binding JWT of an SD-JWT presentation (a P-256 wallet can)',
      );
    if (!options.aud) throw new WalletError('PRESENTATION_REFUSED', 'the presentation needs an audience (--aud): the verifier it is for');
    if (!options.nonce) throw new WalletError('PRESENTATION_REFUSED', 'the presentation needs the verifier’s nonce (--nonce)');
    let parsed: ReturnType<typeof parseSdJwt>;
    try {
      parsed = parseSdJwt(credential);
    } catch (err) {
      throw new WalletError('CREDENTIAL_UNREADABLE', `the credential is not an SD-JWT: ${(err as Error).message}`);
    }
    const cnf = parsed.jwt.payload.cnf as { jwk?: Record<string, unknown> } | undefined;
    const own = this.keyFile.publicJwk as Record<string, unknown>;
    if (!cnf?.jwk || cnf.jwk.kty !== own.kty || cnf.jwk.crv !== own.crv || cnf.jwk.x !== own.x || cnf.jwk.y !== own.y)
      throw new WalletError(
        'CREDENTIAL_NOT_FOR_THIS_KEY',
        cnf?.jwk
          ? 'the credential is bound to another key than this wallet’s (its cnf): this wallet cannot present it'
          : 'the credential is bound to no key (no cnf.jwk): there is nothing for this wallet to prove',
      );
    try {
      return await presentSdJwt(credential, {
        disclose: options.disclose,
        keyBinding: {
          aud: options.aud,
          nonce: options.nonce,
          iat: Math.floor((options.now ?? new Date()).getTime() / 1000),
          alg: 'ES256',
          sign: (bytes) => nodeSign('sha256', bytes, { key: this.privateKey, dsaEncoding: 'ieee-p1363' }),
        },
      });
    } catch (err) {
      if (err instanceof SdJwtPresentationError) throw new WalletError(err.code, err.message);
      if (err instanceof SdJwtFormatError) throw new WalletError('CREDENTIAL_UNREADABLE', err.message);
      throw err;
    }
  }

  /** A licence of the wallet that can sign now (LICENCE_EXPIRED, LICENCE_NOT_YET_VALID otherwise). */
  private usableLicence(uscc: string | undefined, now: Date): StoredLicence {
    const stored = this.chooseLicence(uscc);
    const certificate = parseCertificate(stored.certificate);
    const state = validityAt(certificate, now);
    if (state === 'expired')
      throw new WalletError(
        'LICENCE_EXPIRED',
        `the licence certificate of ${stored.uscc} expired on ${certificate.notAfter.toISOString()}: enrol again`,
      );
    if (state === 'not_yet_valid')
      throw new WalletError(
        'LICENCE_NOT_YET_VALID',
        `the licence certificate of ${stored.uscc} is valid from ${certificate.notBefore.toISOString()}`,
      );
    return stored;
  }

  /** x5c of a licence: the certificate and the issuing CA (the chain's first, when the issuer gave one). */
  private x5cOf(stored: StoredLicence): string[] {
    return [
      x5cEntry(parseCertificate(stored.certificate)),
      ...stored.chain.slice(0, 1).map((pem) => x5cEntry(parseCertificate(pem, 'the issuing CA certificate'))),
    ];
  }

  /** A compact JWS by the wallet key: ES256 (jose), or SM2SM3 (SM2 with SM3, the default user ID, r‖s). */
  private async signJws(header: Record<string, unknown>, payload: object): Promise<string> {
    if (this.alg === 'SM2SM3') {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const signingInput = `${encode({ alg: 'SM2SM3', ...header })}.${encode(payload)}`;
      return `${signingInput}.${ecSignatureToRaw(sm2Sign(Buffer.from(signingInput, 'ascii'), this.sm2Key())).toString('base64url')}`;
    }
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', ...header })
      .sign(this.privateKey);
  }

  /**
   * A detached SES_Signature (GB/T 38540, DER) over `data` — a `.sig` beside any file: dataHash is
   * SM3(data) for an SM2 key, SHA-256(data) for a P-256 one (the hash of the signature algorithm
   * the SES_Signature names), timeInfo the signing time, signed by the licence key. Refuses, before
   * signing, what planStamp refuses (SEAL_NOT_FOR_THIS_KEY, SEAL_REVOKED, SEAL_EXPIRED, …).
   */
  async stampFile(data: Uint8Array, options: StampFileOptions): Promise<Buffer> {
    const plan = planStamp(this.publicSide(), options);
    return makeDetachedStamp(data, plan, options.propertyInfo, this.signer());
  }

  /**
   * The OFD document with one more seal signature (GB/T 33190 §18): a StampAnnot on page `page` at
   * x/y (mm), as large as the seal's picture unless width/height are given; Seal.esl, Signature.xml
   * with the SM3 of every file, and SignedValue.dat, an SES_Signature over SM3(Signature.xml).
   * Signatures already there stay intact. Refuses what planStamp refuses, and OFD_UNREADABLE /
   * STAMP_REFUSED for a document or position that does not fit.
   */
  async stampOfd(ofd: Uint8Array, options: StampOfdOptions): Promise<Buffer> {
    const plan = planStamp(this.publicSide(), options);
    return makeOfdStamp(ofd, plan, options, this.signer());
  }

  private publicSide(): WalletPublicSide {
    return { alg: this.alg, publicJwk: this.keyFile.publicJwk, licences: this.licences() };
  }

  /**
   * Signs for the seal code (DER signatures: ECDSA P-256 with SHA-256, or SM2 with SM3 and the
   * default user ID): the key stays in this object, the callback only ever returns signatures.
   */
  private signer(): SignBytes {
    return (bytes) =>
      Promise.resolve(
        this.alg === 'SM2SM3' ? sm2Sign(bytes, this.sm2Key()) : nodeSign('sha256', bytes, { key: this.privateKey, dsaEncoding: 'der' }),
      );
  }

  /** The licence of `uscc`, or the only one when it is left out (NO_LICENCE, LICENCE_CHOICE_NEEDED). */
  chooseLicence(uscc?: string): StoredLicence {
    if (uscc !== undefined) {
      const stored = this.licence(uscc);
      if (!stored) throw new WalletError('NO_LICENCE', `this wallet holds no licence for ${uscc}: enrol first`);
      return stored;
    }
    const all = this.licences();
    if (all.length === 1) return all[0];
    if (!all.length) throw new WalletError('NO_LICENCE', 'this wallet holds no licence: enrol first');
    throw new WalletError(
      'LICENCE_CHOICE_NEEDED',
      `this wallet holds licences of ${all.length} enterprises: name one (--uscc): ${all.map((l) => l.uscc).join(', ')}`,
    );
  }
}

/** The JSON body of an answer, or null when it has none. */
/** A text field of the service's answer; anything else reads as empty rather than as "[object Object]". */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export async function readJson(response: Response): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = await response.json();
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The service's `{ error, message }` as a WalletError keeping its code; UNEXPECTED_ANSWER for anything else. */
export function serviceError(response: Response, body: Record<string, unknown> | null, what: string): WalletError {
  if (body && typeof body.error === 'string' && body.error) {
    const message =
      typeof body.message === 'string' && body.message
        ? body.message
        : typeof body.error_description === 'string'
          ? body.error_description
          : body.error;
    return new WalletError(body.error, `${what} was refused (${response.status} ${body.error}): ${message}`, response.status);
  }
  return new WalletError(
    'UNEXPECTED_ANSWER',
    `${what} failed: the service answered ${response.status} ${response.statusText}`.trim(),
    response.status,
  );
}

function readKeyFile(dir: string): KeyFile {
  try {
    return parseKeyFile(readJsonFile(join(dir, KEY_FILE), 'the wallet key file'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new WalletError('NO_WALLET', `no wallet in ${dir}: run \`tongban wallet init\` first`);
    throw err;
  }
}

function readLicenceFile(path: string): StoredLicence {
  const value = readJsonFile(path, path) as StoredLicence;
  if (
    !value ||
    value.format !== 'tongban-wallet-licence' ||
    typeof value.uscc !== 'string' ||
    typeof value.certificate !== 'string' ||
    !Array.isArray(value.chain) ||
    !value.chain.every((pem) => typeof pem === 'string')
  ) {
    throw new WalletError('CORRUPT_WALLET', `${path} is not a licence this version knows`);
  }
  return value;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
