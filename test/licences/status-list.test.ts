import { getListFromStatusListJWT, StatusList as EcosystemStatusList } from '@sd-jwt/jwt-status-list';
import { createHmac, generateKeyPairSync, randomInt, sign, type KeyObject } from 'node:crypto';
import { deflateRawSync, deflateSync, gzipSync, inflateSync } from 'node:zlib';
import { compactVerify, decodeProtectedHeader } from 'jose';
import type { JwsSign } from '../../src/licences/sd-jwt/index.js';
import {
  readStatusListJwt,
  signStatusListJwt,
  StatusList,
  StatusListError,
  StatusType,
  type ReadStatusListJwtOptions,
  type SignStatusListJwtInput,
} from '../../src/licences/status-list/index.js';

/**
 * The Token Status List library (src/licences/status-list): the draft's own vectors, its bit order
 * and ZLIB compression, decoding by hand (inflate and bit reading written here), interop with
 * @sd-jwt/jwt-status-list both ways, and the signed Status List Token.
 */

const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const URI = 'https://tongban.example/api/v1/status-lists/3';

/** The independent decoder: zlib inflate, then status idx is `bits` bits at bit idx*bits, least significant first. */
function handDecode(lst: string, bits: number): (idx: number) => number {
  const bytes = inflateSync(Buffer.from(lst, 'base64url'));
  return (idx) => (bytes[Math.floor((idx * bits) / 8)] >> ((idx * bits) % 8)) & ((1 << bits) - 1);
}

function statusError(fn: () => unknown): StatusListError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StatusListError);
    return error as StatusListError;
  }
  throw new Error('no error');
}

const es256 =
  (key: KeyObject, kid?: string): JwsSign =>
  (data) => {
    const signature = sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    return kid ? { kid, signature } : signature;
  };
const LONG_1 = [
  'eNrt3AENwCAMAEGogklACtKQPg9LugC9k_ACvreiogEAAKkeCQAAAAAAAAAAAAAAAAAAAIBylgQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'AAAAAAAAAAAAAAAAAAXG9IAAAAAAAAAPwsJAAAAAAAAAAAAAAAvhsSAAAAAAAAAAAA7KpLAAAAAAAAAAAAAAAAAAAAAJsLCQAAAAAAAAAAADje',
  'lAAAAAAAAAAAKjDMAQAAAACAZC8L2AEb',
].join('');

const LONG_2 = [
  'eNrt2zENACEQAEEuoaBABP5VIO01fCjIHTMStt9ovGVIAAAAAABAbiEBAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEB5WwIAAAAAAA',
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAID0ugQAAAAA',
  'AAAAAAAAAAAAQG12SgAAAAAAAAAAAAAAAAAAAAAAAAAAAOCSIQEAAAAAAAAAAAAAAAAAAAAAAAD8ExIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'AAAAAAAAAAwJEuAQAAAAAAAAAAAAAAAAAAAAAAAMB9SwIAAAAAAAAAAAAAAAAAAACoYUoAAAAAAAAAAAAAAEBqH81gAQw',
].join('');

const LONG_4 = [
  'eNrt0EENgDAQADAIHwImkIIEJEwCUpCEBBQRHOy35Li1EjoOQGabAgAAAAAAAAAAAAAAAAAAACC1SQEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'AAAAAAAAAAAAAAAAAAAABADrsCAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'AADoxaEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAI',
  'IoCgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACArpwKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'AAAAAGhqVkAzlwIAAAAAiGVRAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABx3AoAgLpVAQAAAAAAAAAAAAAAwM89rwMAAAAAAAAAAA',
  'jsA9xMBMA',
].join('');

describe('StatusList', () => {
  it('holds 2-bit statuses, all VALID at first: VALID 0, INVALID 1, SUSPENDED 2', () => {
    const list = new StatusList(10);
    expect(list.bits).toBe(2);
    expect(list.size).toBe(12); // rounded up to whole bytes
    expect(Array.from({ length: 12 }, (_, i) => list.get(i))).toEqual(new Array(12).fill(StatusType.VALID));
    list.set(0, StatusType.INVALID);
    list.set(1, StatusType.SUSPENDED);
    list.set(5, StatusType.SUSPENDED);
    expect([list.get(0), list.get(1), list.get(2), list.get(5)]).toEqual([1, 2, 0, 2]);
    // Least significant bits first: index 0 in bits 0-1, index 1 in bits 2-3 of byte 0.
    expect([...list.toBytes()]).toEqual([0b0000_1001, 0b0000_1000, 0]);
    list.set(1, StatusType.VALID);
    expect([...list.toBytes()]).toEqual([0b0000_0001, 0b0000_1000, 0]);
  });

  it('refuses what makes no sense, with a code', () => {
    const list = new StatusList(8, 2);
    expect(statusError(() => list.get(8)).code).toBe('OUT_OF_RANGE');
    expect(statusError(() => list.get(-1)).code).toBe('OUT_OF_RANGE');
    expect(statusError(() => list.get(1.5)).code).toBe('OUT_OF_RANGE');
    expect(statusError(() => list.set(0, 4)).code).toBe('BAD_STATUS');
    expect(statusError(() => list.set(0, -1)).code).toBe('BAD_STATUS');
    expect(statusError(() => new StatusList(8, 3 as 2)).code).toBe('BAD_BITS');
    expect(statusError(() => new StatusList(0)).code).toBe('OUT_OF_RANGE');
    expect(statusError(() => StatusList.decode({ bits: 2, lst: '' })).code).toBe('BAD_LST');
    expect(statusError(() => StatusList.decode({ bits: 16, lst: 'eNo76fITAAPfAgc' })).code).toBe('BAD_BITS');
  });
});

describe('the draft’s examples (draft-ietf-oauth-status-list §4.1, §4.2)', () => {
  it('1 bit: 16 statuses are 0xB9 0xA3, compressed 78dadbb918000217015d, lst eNrbuRgAAhcBXQ', () => {
    const statuses = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    const list = new StatusList(16, 1);
    statuses.forEach((status, idx) => list.set(idx, status));
    expect([...list.toBytes()]).toEqual([0xb9, 0xa3]);
    const encoded = list.encode();
    expect(encoded).toEqual({ bits: 1, lst: 'eNrbuRgAAhcBXQ' });
    expect(Buffer.from(encoded.lst, 'base64url').toString('hex')).toBe('78dadbb918000217015d');
  });

  it('2 bits: 12 statuses are 0xC9 0x44 0xF9, compressed 78da3be9f2130003df0207, lst eNo76fITAAPfAgc', () => {
    const statuses = [0b01, 0b10, 0b00, 0b11, 0b00, 0b01, 0b00, 0b01, 0b01, 0b10, 0b11, 0b11];
    const list = new StatusList(12, 2);
    statuses.forEach((status, idx) => list.set(idx, status));
    expect([...list.toBytes()]).toEqual([0xc9, 0x44, 0xf9]);
    expect(list.encode()).toEqual({ bits: 2, lst: 'eNo76fITAAPfAgc' });
    expect(Buffer.from(list.encode().lst, 'base64url').toString('hex')).toBe('78da3be9f2130003df0207');
    const decoded = StatusList.decode({ bits: 2, lst: 'eNo76fITAAPfAgc' });
    expect(Array.from({ length: 12 }, (_, i) => decoded.get(i))).toEqual(statuses);
  });

  // Appendix "Test vectors for Status List encoding": 2^20 entries, all 0 but these.
  const VECTORS: Array<[string, 1 | 2 | 4, string, Record<number, number>, boolean]> = [
    [
      '1-bit',
      1,
      LONG_1,
      { 0: 1, 1993: 1, 25460: 1, 159495: 1, 495669: 1, 554353: 1, 645645: 1, 723232: 1, 854545: 1, 934534: 1, 1000345: 1 },
      // The draft's 1-bit vector was compressed with other settings: it decodes the same, its bytes differ.
      false,
    ],
    [
      '2-bit',
      2,
      LONG_2,
      { 0: 1, 1993: 2, 25460: 1, 159495: 3, 495669: 1, 554353: 1, 645645: 2, 723232: 1, 854545: 1, 934534: 2, 1000345: 3 },
      true,
    ],
    [
      '4-bit',
      4,
      LONG_4,
      {
        0: 1,
        1993: 2,
        35460: 3,
        459495: 4,
        595669: 5,
        754353: 6,
        845645: 7,
        923232: 8,
        924445: 9,
        934534: 10,
        1004534: 11,
        1000345: 12,
        1030203: 13,
        1030204: 14,
        1030205: 15,
      },
      true,
    ],
  ];
  it.each(VECTORS)('%s test vector: decodes to the listed statuses, and encodes back', (_name, bits, lst, set, sameBytes) => {
    const list = StatusList.decode({ bits, lst });
    expect(list.size).toBe(2 ** 20);
    let nonZero = 0;
    for (let idx = 0; idx < list.size; idx++) if (list.get(idx) !== 0) nonZero++;
    expect(nonZero).toBe(Object.keys(set).length);
    for (const [idx, status] of Object.entries(set)) expect(list.get(Number(idx))).toBe(status);
    const ours = new StatusList(2 ** 20, bits);
    for (const [idx, status] of Object.entries(set)) ours.set(Number(idx), status);
    if (sameBytes) expect(ours.encode().lst).toBe(lst);
    expect(StatusList.decode(ours.encode()).toBytes().equals(list.toBytes())).toBe(true);
  });
});

describe('encoding: ZLIB (RFC 1950) DEFLATE, base64url', () => {
  it('has the ZLIB header and trailer, and decodes by hand (inflate, least significant bits first)', () => {
    const list = new StatusList(4096, 2);
    const expected: number[] = [];
    for (let idx = 0; idx < list.size; idx++) {
      const status = [0, 0, 0, 0, 1, 2][randomInt(6)];
      list.set(idx, status);
      expected.push(status);
    }
    const { bits, lst } = list.encode();
    expect(lst).toMatch(/^[A-Za-z0-9_-]+$/);
    const raw = Buffer.from(lst, 'base64url');
    expect(raw[0]).toBe(0x78); // CM 8 (deflate), CINFO 7 (32K window)
    expect((raw[0] * 256 + raw[1]) % 31).toBe(0); // FCHECK
    const read = handDecode(lst, bits);
    for (let idx = 0; idx < list.size; idx++) expect(read(idx)).toBe(expected[idx]);
  });

  it('refuses raw DEFLATE, gzip, bad base64url, and a list that would inflate past the limit', () => {
    const bytes = Buffer.alloc(64, 0x55);
    expect(statusError(() => StatusList.decode({ bits: 2, lst: deflateRawSync(bytes).toString('base64url') })).code).toBe('BAD_LST');
    expect(statusError(() => StatusList.decode({ bits: 2, lst: gzipSync(bytes).toString('base64url') })).code).toBe('BAD_LST');
    expect(statusError(() => StatusList.decode({ bits: 2, lst: `${deflateSync(bytes).toString('base64')}==` })).code).toBe('BAD_LST');
    const bomb = deflateSync(Buffer.alloc(4 * 1024 * 1024)).toString('base64url');
    expect(statusError(() => StatusList.decode({ bits: 2, lst: bomb }, { maxBytes: 1024 * 1024 })).code).toBe('TOO_LARGE');
    expect(StatusList.decode({ bits: 2, lst: bomb }).size).toBe(16 * 1024 * 1024);
  });
});

describe('@sd-jwt/jwt-status-list reads tongban’s lists, and tongban reads its', () => {
  it.each([1, 2, 4, 8] as const)('%s bit(s): both ways, every entry', (bits) => {
    const size = 2048;
    const ours = new StatusList(size, bits);
    const values = Array.from({ length: size }, () => (randomInt(4) === 0 ? randomInt(1 << bits) : 0));
    values.forEach((status, idx) => ours.set(idx, status));
    const theirs = EcosystemStatusList.decompressStatusList(ours.encode().lst, bits);
    for (let idx = 0; idx < size; idx++) expect(theirs.getStatus(idx)).toBe(values[idx]);
    const back = StatusList.decode({ bits, lst: new EcosystemStatusList(values, bits).compressStatusList() });
    for (let idx = 0; idx < size; idx++) expect(back.get(idx)).toBe(values[idx]);
  });
});

describe('the Status List Token (JWT)', () => {
  let keys: { privateKey: KeyObject; publicKey: KeyObject };
  let list: StatusList;
  beforeAll(() => {
    keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    list = new StatusList(1024, 2);
    list.set(3, StatusType.INVALID);
    list.set(4, StatusType.SUSPENDED);
  });
  const input = (overrides: Partial<SignStatusListJwtInput> = {}): SignStatusListJwtInput => ({
    list,
    uri: URI,
    iat: NOW - 10,
    exp: NOW + 86400,
    ttl: 300,
    kid: 'status-es256-1',
    x5c: ['MIIBmzCCAUGgAwIBAgIBATAKBggqhkjOPQQDAjA='],
    sign: es256(keys.privateKey, 'status-es256-1'),
    ...overrides,
  });
  const read = (token: string, overrides: Partial<ReadStatusListJwtOptions> = {}) =>
    readStatusListJwt(token, { publicKeyFor: () => keys.publicKey, now: new Date(NOW * 1000), uri: URI, ...overrides });
  const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('is typ statuslist+jwt with sub, iat, exp, ttl and status_list; jose verifies it', async () => {
    const token = await signStatusListJwt(input());
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'ES256',
      typ: 'statuslist+jwt',
      kid: 'status-es256-1',
      x5c: ['MIIBmzCCAUGgAwIBAgIBATAKBggqhkjOPQQDAjA='],
    });
    const { payload } = await compactVerify(token, keys.publicKey, { algorithms: ['ES256'] });
    const claims = JSON.parse(new TextDecoder().decode(payload));
    expect(claims).toEqual({ sub: URI, iat: NOW - 10, exp: NOW + 86400, ttl: 300, status_list: list.encode() });
    expect(handDecode(claims.status_list.lst, 2)(3)).toBe(StatusType.INVALID);
    expect(handDecode(claims.status_list.lst, 2)(4)).toBe(StatusType.SUSPENDED);
  });

  it('reads with @sd-jwt/jwt-status-list', async () => {
    const theirs = getListFromStatusListJWT(await signStatusListJwt(input()));
    expect([theirs.getStatus(2), theirs.getStatus(3), theirs.getStatus(4)]).toEqual([0, 1, 2]);
    expect(theirs.getBitsPerStatus()).toBe(2);
  });

  it('reads back: the list, sub, iat, exp, ttl', async () => {
    const token = await read(await signStatusListJwt(input()));
    expect(token).toMatchObject({ sub: URI, iat: NOW - 10, exp: NOW + 86400, ttl: 300 });
    expect([token.list.get(3), token.list.get(4), token.list.get(5)]).toEqual([1, 2, 0]);
    expect(statusError(() => token.list.get(1024)).code).toBe('OUT_OF_RANGE');
  });

  it('refuses bad input to sign', async () => {
    await expect(signStatusListJwt(input({ ttl: 0 }))).rejects.toThrow(TypeError);
    await expect(signStatusListJwt(input({ exp: NOW - 10 }))).rejects.toThrow(TypeError);
    await expect(signStatusListJwt(input({ uri: '' }))).rejects.toThrow(TypeError);
  });

  it.each<[string, StatusListError['code'], () => string | Promise<string>, Partial<ReadStatusListJwtOptions>]>([
    ['not a JWT', 'MALFORMED_JWT', () => 'not.a-jwt', {}],
    [
      'another typ',
      'WRONG_TYP',
      async () => (await signStatusListJwt(input())).replace(/^[^.]+/, b64json({ alg: 'ES256', typ: 'JWT' })),
      {},
    ],
    [
      'alg none',
      'ALG_REFUSED',
      () => `${b64json({ alg: 'none', typ: 'statuslist+jwt' })}.${b64json({ sub: URI, iat: NOW, status_list: list.encode() })}.`,
      {},
    ],
    [
      'an HMAC',
      'ALG_REFUSED',
      () => {
        const signingInput = `${b64json({ alg: 'HS256', typ: 'statuslist+jwt' })}.${b64json({ sub: URI, iat: NOW, status_list: list.encode() })}`;
        return `${signingInput}.${createHmac('sha256', 'secret').update(signingInput).digest('base64url')}`;
      },
      {},
    ],
    [
      'a changed list',
      'BAD_SIGNATURE',
      async () => {
        const [header, , signature] = (await signStatusListJwt(input())).split('.');
        return `${header}.${b64json({ sub: URI, iat: NOW - 10, exp: NOW + 86400, ttl: 300, status_list: new StatusList(1024, 2).encode() })}.${signature}`;
      },
      {},
    ],
    [
      'another key',
      'BAD_SIGNATURE',
      async () => signStatusListJwt(input({ sign: es256(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey) })),
      {},
    ],
    ['no key for it', 'NO_KEY', async () => signStatusListJwt(input()), { publicKeyFor: () => undefined }],
    ['an expired token', 'EXPIRED', async () => signStatusListJwt(input({ iat: NOW - 100, exp: NOW })), {}],
    ['a token from the future', 'NOT_YET_VALID', async () => signStatusListJwt(input({ iat: NOW + 3600, exp: NOW + 7200 })), {}],
    [
      'another list than the credential names',
      'WRONG_SUBJECT',
      async () => signStatusListJwt(input({ uri: 'https://tongban.example/api/v1/status-lists/4' })),
      {},
    ],
  ])('refuses %s (%s)', async (_what, code, make, options) => {
    await expect(read(await make(), options)).rejects.toMatchObject({ name: 'StatusListError', code });
  });
});
