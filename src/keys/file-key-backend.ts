import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import { promises as fs, constants as fsConstants } from 'node:fs';
import { join } from 'node:path';
import { readSm2PrivateKeyPem, sm2PrivateKeyPem, sm2PublicKeyPem } from '../crypto/sm2-key-encoding.js';
import { Sm2KeyError, Sm2PrivateKey } from '../crypto/sm2-keys.js';
import { nextIv } from './iv-source.js';
import type { KeyBackend, SealedData } from './key-backend.js';
import { sm2SignatureAs } from './sm2-signing.js';
import { KeyStoreError, isSm2, isSymmetric, type KeyAlgorithm, type KeyPurpose, type KeyRecord, type KeyState } from './key-types.js';

interface Manifest {
  format: 1;
  keys: KeyRecord[];
}

interface SymmetricKeys {
  encryption: KeyObject;
  mac: KeyObject;
}

/**
 * Keys as files in KEYS_DIR:
 *   manifest.json          kid, purpose, algorithm, state and dates of every key (no secrets)
 *   private/<kid>.pem      PKCS#8 private key, mode 0600 (symmetric keys: private/<kid>.key, base64)
 *   public/<kid>.pem       SPKI public key
 * SM2 keys are PKCS#8/SPKI as OpenSSL 3 writes them (id-ecPublicKey on the curve 1.2.156.10197.1.301)
 * and sign here with SM2/SM3 and the default user ID (src/crypto/sm2.ts): node:crypto can hold such
 * a key but computes plain ECDSA with it, so it never signs with one.
 * Writers (the service on first start, `tongban keys …`) take KEYS_DIR/.lock; the manifest is
 * replaced atomically so a reader never sees half of it.
 */
export class FileKeyBackend implements KeyBackend {
  readonly name = 'file';
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly sm2Keys = new Map<string, Sm2PrivateKey>();
  private readonly symmetricKeys = new Map<string, SymmetricKeys>();
  private readonly publicKeys = new Map<string, KeyObject>();

  constructor(readonly dir: string) {}

  private get manifestPath(): string {
    return join(this.dir, 'manifest.json');
  }

  async list(): Promise<KeyRecord[]> {
    return (await this.readManifest()).keys;
  }

  async version(): Promise<string> {
    try {
      const stat = await fs.stat(this.manifestPath);
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
      throw err;
    }
  }

  async withWriteLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.ensureDirs();
    const lockPath = join(this.dir, '.lock');
    await takeLockFile(lockPath);
    try {
      return await fn();
    } finally {
      await fs.rm(lockPath, { force: true });
    }
  }

  async generate(purpose: KeyPurpose, alg: KeyAlgorithm, state: KeyState): Promise<KeyRecord> {
    await this.ensureDirs();
    const now = new Date();
    const record: KeyRecord = {
      kid: makeKid(purpose, alg, now),
      purpose,
      alg,
      state,
      createdAt: now.toISOString(),
      ...(state === 'current' ? { activatedAt: now.toISOString() } : {}),
    };
    if (isSymmetric(alg)) {
      await writeSecretFile(join(this.dir, 'private', `${record.kid}.key`), randomBytes(32).toString('base64') + '\n');
    } else if (isSm2(alg)) {
      const key = Sm2PrivateKey.generate();
      await writeSecretFile(join(this.dir, 'private', `${record.kid}.pem`), sm2PrivateKeyPem(key));
      await fs.writeFile(join(this.dir, 'public', `${record.kid}.pem`), sm2PublicKeyPem(key.publicKey), { mode: 0o644 });
    } else {
      const { privateKey, publicKey } =
        alg === 'ES256'
          ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
          : generateKeyPairSync('rsa', { modulusLength: 2048 });
      await writeSecretFile(join(this.dir, 'private', `${record.kid}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
      await fs.writeFile(join(this.dir, 'public', `${record.kid}.pem`), publicKey.export({ type: 'spki', format: 'pem' }) as string, { mode: 0o644 });
    }
    const manifest = await this.readManifest();
    manifest.keys.push(record);
    await this.writeManifest(manifest);
    return record;
  }

  async updateStates(changes: Array<{ kid: string; state: KeyState }>): Promise<void> {
    const manifest = await this.readManifest();
    const now = new Date().toISOString();
    for (const { kid, state } of changes) {
      const record = manifest.keys.find((k) => k.kid === kid);
      if (!record) throw new KeyStoreError('UNKNOWN_KEY', `no key ${kid}`);
      record.state = state;
      if (state === 'current') record.activatedAt = now;
      if (state === 'retired') record.retiredAt = now;
    }
    await this.writeManifest(manifest);
  }

  async publicKey(kid: string): Promise<KeyObject> {
    let key = this.publicKeys.get(kid);
    if (!key) {
      key = createPublicKey(await this.readKeyFile('public', `${kid}.pem`));
      this.publicKeys.set(kid, key);
    }
    return key;
  }

  async sign(kid: string, data: Buffer, format: 'p1363' | 'der'): Promise<Buffer> {
    const sm2 = this.sm2Keys.get(kid) ?? (await this.sm2Key(kid));
    if (sm2) return sm2SignatureAs(sm2, data, format);
    const key = await this.privateKey(kid);
    if (key.asymmetricKeyType === 'ec') return cryptoSign('sha256', data, { key, dsaEncoding: format === 'der' ? 'der' : 'ieee-p1363' });
    return cryptoSign('sha256', data, key);
  }

  async encrypt(kid: string, plaintext: Buffer, aad: Buffer): Promise<SealedData> {
    const { encryption } = await this.symmetric(kid);
    const iv = nextIv();
    const cipher = createCipheriv('aes-256-gcm', encryption, iv);
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { iv, ciphertext, tag: cipher.getAuthTag() };
  }

  async decrypt(kid: string, sealed: SealedData, aad: Buffer): Promise<Buffer> {
    const { encryption } = await this.symmetric(kid);
    const decipher = createDecipheriv('aes-256-gcm', encryption, sealed.iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  }

  async mac(kid: string, data: Buffer): Promise<Buffer> {
    const { mac } = this.symmetricKeys.get(kid) ?? (await this.symmetric(kid));
    return createHmac('sha256', mac).update(data).digest();
  }

  private async privateKey(kid: string): Promise<KeyObject> {
    let key = this.privateKeys.get(kid);
    if (!key) {
      key = createPrivateKey(await this.readKeyFile('private', `${kid}.pem`));
      this.privateKeys.set(kid, key);
    }
    return key;
  }

  /** The SM2 key of kid, or undefined when kid's algorithm is not SM2 (by the manifest, read once per kid). */
  private async sm2Key(kid: string): Promise<Sm2PrivateKey | undefined> {
    if (this.privateKeys.has(kid)) return undefined;
    const record = (await this.readManifest()).keys.find((k) => k.kid === kid);
    if (!record) throw new KeyStoreError('UNKNOWN_KEY', `no key ${kid}`);
    if (!isSm2(record.alg)) return undefined;
    let key: Sm2PrivateKey;
    try {
      key = readSm2PrivateKeyPem(await this.readKeyFile('private', `${kid}.pem`));
    } catch (err) {
      if (err instanceof Sm2KeyError) throw new KeyStoreError('CORRUPT', `the key file of ${kid} does not hold an SM2 key: ${err.message}`);
      throw err;
    }
    this.sm2Keys.set(kid, key);
    return key;
  }

  private async symmetric(kid: string): Promise<SymmetricKeys> {
    let keys = this.symmetricKeys.get(kid);
    if (!keys) {
      const master = Buffer.from((await this.readKeyFile('private', `${kid}.key`)).trim(), 'base64');
      if (master.length !== 32) throw new KeyStoreError('CORRUPT', `key file for ${kid} does not hold 32 bytes`);
      // Separate sub-keys so the encryption key and the blind-index key are never the same bytes.
      const derive = (info: string) => createSecretKey(Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32)));
      keys = { encryption: derive('tongban aes-256-gcm'), mac: derive('tongban hmac-sha-256 blind index') };
      this.symmetricKeys.set(kid, keys);
    }
    return keys;
  }

  private async readKeyFile(folder: 'private' | 'public', name: string): Promise<string> {
    try {
      return await fs.readFile(join(this.dir, folder, name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new KeyStoreError('UNKNOWN_KEY', `no ${folder} key file ${name} in ${this.dir}`);
      throw err;
    }
  }

  private async readManifest(): Promise<Manifest> {
    let text: string;
    try {
      text = await fs.readFile(this.manifestPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { format: 1, keys: [] };
      throw err;
    }
    try {
      const manifest = JSON.parse(text) as Manifest;
      if (manifest.format !== 1 || !Array.isArray(manifest.keys)) throw new Error('unexpected shape');
      return manifest;
    } catch (err) {
      throw new KeyStoreError('CORRUPT', `${this.manifestPath} is not a tongban key manifest: ${(err as Error).message}`);
    }
  }

  private async writeManifest(manifest: Manifest): Promise<void> {
    const temporary = `${this.manifestPath}.${process.pid}.tmp`;
    await fs.writeFile(temporary, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o644 });
    await fs.rename(temporary, this.manifestPath);
  }

  private async ensureDirs(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    await fs.mkdir(join(this.dir, 'private'), { recursive: true, mode: 0o700 });
    await fs.mkdir(join(this.dir, 'public'), { recursive: true, mode: 0o755 });
  }
}

function makeKid(purpose: KeyPurpose, alg: KeyAlgorithm, at: Date): string {
  const day = at.toISOString().slice(0, 10).replaceAll('-', '');
  const algTag = alg === 'A256GCM-HS256' ? 'a256' : alg.toLowerCase();
  return `${purpose}-${algTag}-${day}-${randomBytes(3).toString('hex')}`;
}

async function writeSecretFile(path: string, content: string): Promise<void> {
  // O_EXCL: never overwrite an existing key; the mode applies at creation, so the file is never readable by others.
  const handle = await fs.open(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

async function takeLockFile(path: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await fs.open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number((await fs.readFile(path, 'utf8').catch(() => '')).trim());
    if (holder && !processAlive(holder)) {
      await fs.rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new KeyStoreError('LOCKED', `${path} is held by process ${holder || 'unknown'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
