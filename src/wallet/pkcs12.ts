import { createCipheriv, createDecipheriv, createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { WalletError } from './errors.js';

/**
 * PKCS#12 (RFC 7292) for moving the licence key and its certificates into other signing tools,
 * and back. The file is written as OpenSSL 3 writes one by default, with more iterations:
 *
 *   PFX v3, password integrity: MAC HMAC-SHA-256 (key from the RFC 7292 B.2 KDF with SHA-256)
 *   AuthenticatedSafe
 *     EncryptedData (PBES2: PBKDF2-HMAC-SHA-256, AES-256-CBC)  → certBags: licence, issuing CA, root
 *     Data                                                      → pkcs8ShroudedKeyBag (the same PBES2)
 *   the key bag and the licence's certBag carry friendlyName and localKeyId.
 *
 * node-forge gives the ASN.1 (parsing BER as other tools write it, DER out) and the OIDs. Its
 * higher-level PKCS#12 functions do not fit, so the structure is built and walked here:
 * - `pkcs12.toPkcs12Asn1` takes only RSA keys (forge.pki keys are RSA-only), parses certificates
 *   with forge.pki (RSA-only too), always MACs with SHA-1 and leaves the certificates in clear;
 * - `pkcs12.pkcs12FromAsn1` hands the same password to the MAC (which wants the Unicode string:
 *   BMPString, RFC 7292 B.1) and to PBKDF2 (which wants its UTF-8 bytes, RFC 8018 / OpenSSL), so
 *   any non-ASCII passphrase fails one of the two;
 * - `pki.encryptPrivateKeyInfo` can choose HMAC-SHA-256 only by a forge digest object, which
 *   runs PBKDF2 in JavaScript (about 1.6 s for the iterations used here, 50 ms with node:crypto);
 * - `pkcs12.generateKey` (the MAC key, RFC 7292 B.2) is right but hashes in JavaScript too: 0.5 s
 *   for these iterations in node, 3 to 4 s inside a VM context such as Jest's. pkcs12Kdf below
 *   is the same function over node:crypto's SHA (the tests compare the two).
 * So PBKDF2, AES, HMAC and the hashing are node:crypto's; for reading older files only, forge's
 * `pki.pbe.getCipher` decrypts PKCS#12 PBE (3DES, 40-bit RC2).
 */

const { asn1 } = forge;
const oids = forge.pki.oids;
type Asn1 = forge.asn1.Asn1;

/**
 * PBKDF2 and MAC iterations written: the same for all three, since a guessed password can be tried
 * against any of them. OpenSSL writes 2048; this is about a hundred times that, and stays under the
 * limits of .NET's PKCS#12 loader (300,000 each, 1,000,000 in all), so the file opens there too.
 * About 0.4 s to write or to read, most of it the MAC key (B.2 hashes one block at a time).
 */
export const PKCS12_ITERATIONS = 200_000;
/** Files from elsewhere may ask for more; above this a file is refused, not computed for minutes. */
export const MAX_PKCS12_ITERATIONS = 2_000_000;
/** A licence key with its chain is a few kilobytes. */
export const MAX_PKCS12_SIZE = 1024 * 1024;

/** What goes into the file: one key, the certificate for it, the certificates above it. */
export interface Pkcs12Input {
  /** The private key as an unencrypted PKCS#8 PrivateKeyInfo, DER (`KeyObject.export({ format: 'der', type: 'pkcs8' })`). */
  privateKeyInfo: Buffer;
  /** The certificate for the key, DER. */
  certificate: Buffer;
  /** The issuing CA, then the root, DER. */
  chain: Buffer[];
  /** The name other tools show for the key and its certificate. */
  friendlyName: string;
  /** Ties the key to its certificate (both bags carry it). */
  localKeyId: Buffer;
}

export interface Pkcs12Bag {
  friendlyName?: string;
  localKeyId?: Buffer;
}

/** What a file holds (whatever wrote it), decrypted. */
export interface Pkcs12Contents {
  /** PKCS#8 PrivateKeyInfo DER of each key. */
  keys: Array<Pkcs12Bag & { privateKeyInfo: Buffer }>;
  /** DER of each X.509 certificate. */
  certificates: Array<Pkcs12Bag & { der: Buffer }>;
}

const pbkdf2Async = promisify(pbkdf2);

/** Writes a PKCS#12 file protected by `password` (see the module comment for what it holds). */
export async function encodePkcs12(input: Pkcs12Input, password: string, options: { iterations?: number } = {}): Promise<Buffer> {
  const iterations = options.iterations ?? PKCS12_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_PKCS12_ITERATIONS)
    throw new RangeError(`iterations must be 1 to ${MAX_PKCS12_ITERATIONS}`);
  const attributes = bagAttributes(input.friendlyName, input.localKeyId);
  const certBags = [input.certificate, ...input.chain].map((der, i) =>
    seq([oid(oids.certBag), explicit(seq([oid(oids.x509Certificate), explicit(octets(der))])), ...(i === 0 ? [attributes] : [])]),
  );
  const certSafe = await pbes2Encrypt(toDer(seq(certBags)), password, iterations);
  const encryptedData = seq([
    integer(0),
    seq([oid(oids.data), certSafe.algorithm, asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, binary(certSafe.ciphertext))]),
  ]);
  const shroudedKey = await pbes2Encrypt(input.privateKeyInfo, password, iterations);
  const keyBag = seq([oid(oids.pkcs8ShroudedKeyBag), explicit(seq([shroudedKey.algorithm, octets(shroudedKey.ciphertext)])), attributes]);
  const authenticatedSafe = toDer(
    seq([seq([oid(oids.encryptedData), explicit(encryptedData)]), seq([oid(oids.data), explicit(octets(toDer(seq([keyBag]))))])]),
  );
  const macSalt = randomBytes(16);
  const mac = pkcs12Mac('sha256', password, macSalt, iterations, authenticatedSafe);
  const pfx = seq([
    integer(3),
    seq([oid(oids.data), explicit(octets(authenticatedSafe))]),
    seq([
      seq([seq([oid(oids.sha256), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]), octets(mac)]),
      octets(macSalt),
      integer(iterations),
    ]),
  ]);
  return toDer(pfx);
}

/**
 * Reads a PKCS#12 file: checks its MAC with `password` and decrypts what it holds. Reads what
 * OpenSSL 3 writes (PBES2 with PBKDF2-HMAC-SHA-1/2 and AES-CBC or 3DES; a SHA-1/2 MAC), and the
 * older PKCS#12 PBE (3DES, 40-bit RC2) of `openssl pkcs12 -legacy` and older tools.
 * P12_UNREADABLE: not a PKCS#12 file, or damaged. P12_WRONG_PASSWORD. P12_UNSUPPORTED: a
 * protection this code does not read (public-key integrity, envelopedData, other ciphers).
 */
export async function decodePkcs12(der: Buffer, password: string): Promise<Pkcs12Contents> {
  if (der.length > MAX_PKCS12_SIZE)
    throw new WalletError('P12_UNREADABLE', `the file is too large for a PKCS#12 licence key (${der.length} bytes)`);
  try {
    return await decode(der, password);
  } catch (err) {
    if (err instanceof WalletError) throw err;
    throw new WalletError('P12_UNREADABLE', 'the file is not a PKCS#12 file, or it is damaged');
  }
}

async function decode(der: Buffer, password: string): Promise<Pkcs12Contents> {
  const pfx = parse(der);
  const [version, authSafe, macData] = children(pfx, asn1.Type.SEQUENCE, 2, 3);
  if (integerOf(version) !== 3) throw malformed();
  const [contentType, content] = children(authSafe, asn1.Type.SEQUENCE, 2, 2);
  if (oidOf(contentType) !== oids.data) {
    throw new WalletError(
      'P12_UNSUPPORTED',
      `the file is protected by ${nameOf(oidOf(contentType))} (public-key integrity), not by a password`,
    );
  }
  const authenticatedSafe = octetsOf(explicitOf(content));
  if (macData) verifyMac(macData, password, authenticatedSafe);
  const contents: Pkcs12Contents = { keys: [], certificates: [] };
  for (const info of children(parse(authenticatedSafe), asn1.Type.SEQUENCE)) {
    const [type, value] = children(info, asn1.Type.SEQUENCE, 1, 2);
    const kind = oidOf(type);
    if (kind === oids.data) {
      await readSafeContents(octetsOf(explicitOf(value)), password, contents);
    } else if (kind === oids.encryptedData) {
      const [, encryptedContentInfo] = children(explicitOf(value), asn1.Type.SEQUENCE, 2, 3);
      const [innerType, algorithm, encrypted] = children(encryptedContentInfo, asn1.Type.SEQUENCE, 2, 3);
      if (oidOf(innerType) !== oids.data || !encrypted || !isContextTag(encrypted, 0)) throw malformed();
      await readSafeContents(await decrypt(algorithm, implicitOctetsOf(encrypted), password, 'the certificates'), password, contents);
    } else {
      throw new WalletError('P12_UNSUPPORTED', `the file holds a ${nameOf(kind)} part, which this wallet does not read`);
    }
  }
  return contents;
}

async function readSafeContents(der: Buffer, password: string, contents: Pkcs12Contents): Promise<void> {
  for (const bag of children(parse(der), asn1.Type.SEQUENCE)) {
    const [bagId, bagValue, attributes] = children(bag, asn1.Type.SEQUENCE, 2, 3);
    const value = explicitOf(bagValue);
    const attrs = attributes ? readAttributes(attributes) : {};
    switch (oidOf(bagId)) {
      case oids.keyBag:
        contents.keys.push({ ...attrs, privateKeyInfo: Buffer.from(toDer(value)) });
        break;
      case oids.pkcs8ShroudedKeyBag: {
        const [algorithm, encrypted] = children(value, asn1.Type.SEQUENCE, 2, 2);
        contents.keys.push({ ...attrs, privateKeyInfo: await decrypt(algorithm, octetsOf(encrypted), password, 'the key') });
        break;
      }
      case oids.certBag: {
        const [certId, certValue] = children(value, asn1.Type.SEQUENCE, 2, 2);
        // sdsiCertificate and other kinds are not X.509: nothing a wallet can use.
        if (oidOf(certId) === oids.x509Certificate) contents.certificates.push({ ...attrs, der: octetsOf(explicitOf(certValue)) });
        break;
      }
      default:
      // CRLs, secrets and nested SafeContents: not part of a licence key.
    }
  }
}

function readAttributes(set: Asn1): Pkcs12Bag {
  const found: Pkcs12Bag = {};
  for (const attribute of children(set, asn1.Type.SET)) {
    const [type, values] = children(attribute, asn1.Type.SEQUENCE, 2, 2);
    const [first] = children(values, asn1.Type.SET);
    if (!first) continue;
    const kind = oidOf(type);
    if (kind === oids.friendlyName && first.type === asn1.Type.BMPSTRING && typeof first.value === 'string')
      found.friendlyName = first.value;
    if (kind === oids.localKeyId && first.type === asn1.Type.OCTETSTRING) found.localKeyId = octetsOf(first);
  }
  return found;
}

/** RFC 7292 §5.1 / B: HMAC over the AuthenticatedSafe, keyed from the password by the PKCS#12 KDF (ID 3). */
function verifyMac(macData: Asn1, password: string, authenticatedSafe: Buffer): void {
  const [digestInfo, salt, iterations] = children(macData, asn1.Type.SEQUENCE, 2, 3);
  const [algorithm, digest] = children(digestInfo, asn1.Type.SEQUENCE, 2, 2);
  const [algorithmOid] = children(algorithm, asn1.Type.SEQUENCE, 1, 2);
  const hash = MAC_DIGESTS[oidOf(algorithmOid)];
  if (!hash)
    throw new WalletError(
      'P12_UNSUPPORTED',
      `the file's integrity is protected by ${nameOf(oidOf(algorithmOid))}, which this wallet does not read`,
    );
  const count = iterations ? iterationCount(iterations) : 1;
  const expected = octetsOf(digest);
  const actual = pkcs12Mac(hash, password, octetsOf(salt), count, authenticatedSafe);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new WalletError('P12_WRONG_PASSWORD', 'the passphrase does not open this PKCS#12 file (or the file was altered)');
  }
}

const MAC_DIGESTS: Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512'> = {
  [oids.sha1]: 'sha1',
  [oids.sha256]: 'sha256',
  [oids.sha384]: 'sha384',
  [oids.sha512]: 'sha512',
};

type MacHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';
const HASH_SIZES: Record<MacHash, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

function pkcs12Mac(hash: MacHash, password: string, salt: Buffer, iterations: number, data: Buffer): Buffer {
  return createHmac(hash, pkcs12Kdf(hash, password, salt, 3, iterations, HASH_SIZES[hash].u))
    .update(data)
    .digest();
}

/**
 * RFC 7292 B.2: `n` bytes for purpose `id` (1 key, 2 IV, 3 MAC) from the password as a BMPString
 * (B.1: UTF-16BE code units, then 0x0000; what OpenSSL makes of a UTF-8 password) and the salt.
 */
export function pkcs12Kdf(hash: MacHash, password: string, salt: Buffer, id: number, iterations: number, n: number): Buffer {
  const { u, v } = HASH_SIZES[hash];
  const bmp = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) bmp.writeUInt16BE(password.charCodeAt(i), i * 2);
  const fill = (bytes: Buffer) => (bytes.length ? Buffer.alloc(v * Math.ceil(bytes.length / v), bytes) : Buffer.alloc(0));
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([fill(salt), fill(bmp)]);
  const out: Buffer[] = [];
  for (let produced = 0; produced < n; produced += u) {
    let a = createHash(hash).update(d).update(i).digest();
    for (let round = 1; round < iterations; round++) a = createHash(hash).update(a).digest();
    out.push(a);
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block, B = A repeated to v bytes.
    const b = Buffer.alloc(v, a);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k] + b[k] + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

/** PBES2 (RFC 8018 §6.2): PBKDF2 with HMAC-SHA-256 over the password's UTF-8 bytes, AES-256-CBC. */
async function pbes2Encrypt(plaintext: Buffer, password: string, iterations: number): Promise<{ algorithm: Asn1; ciphertext: Buffer }> {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = await pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const algorithm = seq([
    oid(oids.pkcs5PBES2),
    seq([
      // keyLength is left out, as OpenSSL does: AES-256 fixes it.
      seq([
        oid(oids.pkcs5PBKDF2),
        seq([
          octets(salt),
          integer(iterations),
          seq([oid(oids.hmacWithSHA256), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]),
        ]),
      ]),
      seq([oid(oids['aes256-CBC']), octets(iv)]),
    ]),
  ]);
  return { algorithm, ciphertext };
}

const PBES2_CIPHERS: Record<string, { name: string; keyLength: number }> = {
  [oids['aes128-CBC']]: { name: 'aes-128-cbc', keyLength: 16 },
  [oids['aes192-CBC']]: { name: 'aes-192-cbc', keyLength: 24 },
  [oids['aes256-CBC']]: { name: 'aes-256-cbc', keyLength: 32 },
  [oids['des-EDE3-CBC']]: { name: 'des-ede3-cbc', keyLength: 24 },
};
const PBKDF2_PRFS: Record<string, string> = {
  [oids.hmacWithSHA1]: 'sha1',
  [oids.hmacWithSHA224]: 'sha224',
  [oids.hmacWithSHA256]: 'sha256',
  [oids.hmacWithSHA384]: 'sha384',
  [oids.hmacWithSHA512]: 'sha512',
};
const PKCS12_PBE = new Set([oids['pbeWithSHAAnd3-KeyTripleDES-CBC'], oids['pbewithSHAAnd40BitRC2-CBC']]);

/** Decrypts an EncryptedPrivateKeyInfo's or EncryptedContentInfo's content. */
async function decrypt(algorithm: Asn1, ciphertext: Buffer, password: string, what: string): Promise<Buffer> {
  const [schemeOid, params] = children(algorithm, asn1.Type.SEQUENCE, 1, 2);
  const scheme = oidOf(schemeOid);
  if (scheme === oids.pkcs5PBES2 && params) return pbes2Decrypt(params, ciphertext, password, what);
  if (PKCS12_PBE.has(scheme) && params) {
    const [, count] = children(params, asn1.Type.SEQUENCE, 2, 2);
    iterationCount(count);
    // RFC 7292 B.2 key and IV from the Unicode password; forge does this and the 3DES/RC2 decryption.
    const cipher = (
      forge.pki as unknown as { pbe: { getCipher(oid: string, params: Asn1, password: string): forge.cipher.BlockCipher } }
    ).pbe.getCipher(scheme, params, password);
    cipher.update(forge.util.createBuffer(binary(ciphertext)));
    if (!cipher.finish()) throw wrongPassword(what);
    return Buffer.from(cipher.output.getBytes(), 'binary');
  }
  throw new WalletError('P12_UNSUPPORTED', `${what} in the file are encrypted with ${nameOf(scheme)}, which this wallet does not read`);
}

async function pbes2Decrypt(params: Asn1, ciphertext: Buffer, password: string, what: string): Promise<Buffer> {
  const [kdf, scheme] = children(params, asn1.Type.SEQUENCE, 2, 2);
  const [kdfOid, kdfParams] = children(kdf, asn1.Type.SEQUENCE, 2, 2);
  if (oidOf(kdfOid) !== oids.pkcs5PBKDF2)
    throw new WalletError(
      'P12_UNSUPPORTED',
      `${what} in the file are protected with ${nameOf(oidOf(kdfOid))}, which this wallet does not read`,
    );
  const [salt, count, ...rest] = children(kdfParams, asn1.Type.SEQUENCE, 2, 4);
  if (salt.type !== asn1.Type.OCTETSTRING)
    throw new WalletError('P12_UNSUPPORTED', 'PBKDF2 with a salt other than an octet string is not read');
  const keyLength = rest.find((item) => item.type === asn1.Type.INTEGER);
  const prf = rest.find((item) => item.type === asn1.Type.SEQUENCE);
  const prfOid = prf ? oidOf(children(prf, asn1.Type.SEQUENCE, 1, 2)[0]) : oids.hmacWithSHA1;
  const hash = PBKDF2_PRFS[prfOid];
  const [cipherOid, iv] = children(scheme, asn1.Type.SEQUENCE, 2, 2);
  const cipher = PBES2_CIPHERS[oidOf(cipherOid)];
  if (!hash || !cipher) {
    throw new WalletError(
      'P12_UNSUPPORTED',
      `${what} in the file are encrypted with ${nameOf(oidOf(cipherOid))} and ${nameOf(prfOid)}, which this wallet does not read`,
    );
  }
  if (keyLength && integerOf(keyLength) !== cipher.keyLength) throw malformed();
  const key = await pbkdf2Async(Buffer.from(password, 'utf8'), octetsOf(salt), iterationCount(count), cipher.keyLength, hash);
  const decipher = createDecipheriv(cipher.name, key, octetsOf(iv));
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    // Bad padding: the key derived from the password is not the one the content was encrypted with.
    throw wrongPassword(what);
  }
}

function wrongPassword(what: string): WalletError {
  return new WalletError('P12_WRONG_PASSWORD', `the passphrase does not decrypt ${what} in this PKCS#12 file`);
}

function iterationCount(node: Asn1): number {
  const count = integerOf(node);
  if (count < 1) throw malformed();
  if (count > MAX_PKCS12_ITERATIONS) {
    throw new WalletError(
      'P12_UNSUPPORTED',
      `the file asks for ${count} iterations, more than this wallet computes (${MAX_PKCS12_ITERATIONS})`,
    );
  }
  return count;
}

function bagAttributes(friendlyName: string, localKeyId: Buffer): Asn1 {
  const attributes = [
    seq([oid(oids.friendlyName), set([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, friendlyName)])]),
    seq([oid(oids.localKeyId), set([octets(localKeyId)])]),
  ];
  // DER orders a SET OF by the elements' encodings.
  return set(
    attributes
      .map((a) => ({ a, der: toDer(a) }))
      .sort((x, y) => Buffer.compare(x.der, y.der))
      .map(({ a }) => a),
  );
}

/**
 * The algorithm a PKCS#8 PrivateKeyInfo names (its OID's name, and the curve for EC keys), to say
 * which key a file holds when node:crypto cannot read it; undefined when it is not PrivateKeyInfo.
 */
export function privateKeyAlgorithm(privateKeyInfo: Buffer): string | undefined {
  try {
    const [, algorithm] = children(parse(privateKeyInfo), asn1.Type.SEQUENCE, 3, 5);
    const [algorithmOid, params] = children(algorithm, asn1.Type.SEQUENCE, 1, 2);
    const name = nameOf(oidOf(algorithmOid));
    return params?.type === asn1.Type.OID ? `${name} ${nameOf(oidOf(params))}` : name;
  } catch {
    return undefined;
  }
}

// ASN.1 through forge: its values are binary strings (one char per byte).

function binary(bytes: Buffer): string {
  return bytes.toString('binary');
}

function toDer(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

/**
 * BER as other tools write it (indefinite lengths, octet strings in pieces), but no truncated
 * values; BIT STRINGs are left as they are (a key's public point is not ASN.1 to look into).
 */
function parse(der: Buffer): Asn1 {
  const options = { strict: true, parseAllBytes: true, decodeBitStrings: false };
  // @types/node-forge knows only the boolean form of the options.
  return (asn1.fromDer as unknown as (bytes: string, options: object) => Asn1)(binary(der), options);
}

function seq(items: Asn1[]): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

function set(items: Asn1[]): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
}

function oid(dotted: string): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());
}

function octets(bytes: Buffer): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, binary(bytes));
}

function integer(value: number): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}

function explicit(inner: Asn1): Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [inner]);
}

class Malformed extends Error {}

function malformed(): Malformed {
  return new Malformed();
}

/** The elements of a constructed universal node of `type`, between min and max of them. */
function children(node: Asn1, type: forge.asn1.Type, min = 0, max = Infinity): Asn1[] {
  if (node.tagClass !== asn1.Class.UNIVERSAL || node.type !== type || !node.constructed || !Array.isArray(node.value)) throw malformed();
  if (node.value.length < min || node.value.length > max) throw malformed();
  return node.value;
}

/** The one element of a `[0] EXPLICIT`. */
function explicitOf(node: Asn1): Asn1 {
  if (!isContextTag(node, 0) || !Array.isArray(node.value) || node.value.length !== 1) throw malformed();
  return node.value[0];
}

/** Whether the node is tagged `[number]`: forge keeps a context-specific tag's number in `type`, typed as a universal type. */
function isContextTag(node: Asn1, number: number): boolean {
  return node.tagClass === asn1.Class.CONTEXT_SPECIFIC && (node.type as number) === number;
}

function oidOf(node: Asn1): string {
  if (node.tagClass !== asn1.Class.UNIVERSAL || node.type !== asn1.Type.OID || typeof node.value !== 'string') throw malformed();
  return asn1.derToOid(node.value);
}

function integerOf(node: Asn1): number {
  if (node.tagClass !== asn1.Class.UNIVERSAL || node.type !== asn1.Type.INTEGER || typeof node.value !== 'string' || !node.value.length)
    throw malformed();
  // Four bytes at most: counts and versions, never more than 2^31 - 1 here.
  if (node.value.length > 4 || node.value.charCodeAt(0) & 0x80)
    throw new WalletError('P12_UNSUPPORTED', 'the file holds a count too large for this wallet');
  return asn1.derToInteger(node.value);
}

/** An OCTET STRING's bytes; BER lets other tools write it in pieces. */
function octetsOf(node: Asn1): Buffer {
  if (node.tagClass !== asn1.Class.UNIVERSAL || node.type !== asn1.Type.OCTETSTRING) throw malformed();
  return joined(node);
}

/** The bytes of a `[0] IMPLICIT OCTET STRING` (EncryptedContentInfo's encryptedContent). */
function implicitOctetsOf(node: Asn1): Buffer {
  return joined(node);
}

function joined(node: Asn1): Buffer {
  if (typeof node.value === 'string') return Buffer.from(node.value, 'binary');
  return Buffer.concat(node.value.map((piece) => octetsOf(piece)));
}

function nameOf(dotted: string): string {
  return oids[dotted] ?? dotted;
}
