import { afterAll, describe, expect, it } from '@jest/globals';
import { CRYPTO_OID } from '../../src/crypto/oids.js';
import {
  checkCertList,
  checkMakerSignature,
  checkSealValidity,
  checkSignerSignature,
  decodeSeal,
  decodeSesSignature,
  makeSealV4,
  makeSesSignatureV4,
  SealFormatError,
  signerSignatureOf,
  signingTimeOf,
} from '../../src/seals/index.js';
import { Scratch } from '../pki/support.js';
import { sesFixture } from './fixtures.js';
import { ofdStamps } from './ofd-stamps.js';
import { sealInfo, sm2Party } from './parties.js';

/**
 * Damaged input gives a SealFormatError or a clean decode, never another exception: every
 * truncation of each file, and a few thousand random byte changes from a fixed seed. What still
 * decodes goes through the checks too (for the first few), which must not throw either.
 */
const scratch = new Scratch();
afterAll(() => scratch.cleanup());

/** mulberry32: small, seeded, the same sequence on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

type Kind = 'seal' | 'signature';
const CHECKED_PER_FILE = 20;

/** Decodes and, for the first few that decode, runs every check; returns whether it decoded. */
function attempt(kind: Kind, der: Buffer, runChecks: boolean): boolean {
  try {
    if (kind === 'seal') {
      const seal = decodeSeal(der);
      if (runChecks) {
        checkMakerSignature(seal);
        checkSealValidity(seal, new Date());
      }
    } else {
      const signature = decodeSesSignature(der);
      if (runChecks) {
        checkSignerSignature(signature);
        checkMakerSignature(signature.toSign.eseal);
        checkCertList(signature.toSign.eseal, signerSignatureOf(signature).cert);
        signingTimeOf(signature);
      }
    }
    return true;
  } catch (error) {
    if (error instanceof SealFormatError) return false;
    throw error;
  }
}

async function madeHere(): Promise<[string, Kind, Buffer][]> {
  const maker = sm2Party(scratch, 'maker');
  const signer = sm2Party(scratch, 'signer');
  const eSealInfo = sealInfo([signer.cert], { extDatas: [{ extnID: '1.2.3', critical: true, extnValue: Buffer.from('x') }] });
  const seal = await makeSealV4({ eSealInfo, cert: maker.cert, signAlgID: CRYPTO_OID.sm2WithSm3 }, maker.sign);
  const stamp = await makeSesSignatureV4(
    {
      seal: seal.der,
      timeInfo: new Date('2026-03-01T00:00:00Z'),
      dataHash: Buffer.alloc(32, 1),
      propertyInfo: 'doc',
      cert: signer.cert,
      signatureAlgID: CRYPTO_OID.sm2WithSm3,
      extDatas: eSealInfo.extDatas,
    },
    signer.sign,
  );
  return [
    ['seal made here', 'seal', seal.der],
    ['stamp made here', 'signature', stamp.der],
  ];
}

const fixtures: [string, Kind, Buffer][] = [
  ['UserV4.esl', 'seal', sesFixture('UserV4.esl')],
  ['UserV1.esl', 'seal', sesFixture('UserV1.esl')],
  ['SESealData.DER', 'seal', sesFixture('SESealData.DER')],
  ['SignedValueV4.dat', 'signature', sesFixture('SignedValueV4.dat')],
  ['v4signed.ofd SignedValue.dat', 'signature', ofdStamps('v4signed.ofd')[0].signedValue],
];

describe('damaged seals and stamps', () => {
  it('every truncation is a SealFormatError', async () => {
    const decodedAnyway: string[] = [];
    for (const [name, kind, der] of [...fixtures, ...(await madeHere())]) {
      for (let length = 0; length < der.length; length++)
        if (attempt(kind, der.subarray(0, length), false)) decodedAnyway.push(`${name}[0, ${length})`);
    }
    expect(decodedAnyway).toEqual([]);
  });

  it('every element cut short by one byte, the lengths around it made consistent again, is a SealFormatError or a clean decode', async () => {
    let cuts = 0;
    for (const [, kind, der] of [...fixtures, ...(await madeHere())]) {
      const root = parseTree(der, 0);
      for (const path of elementPaths(root)) {
        attempt(kind, serialise(root, path), false);
        cuts++;
      }
    }
    expect(cuts).toBeGreaterThan(200);
  });

  it('random byte changes (seeded) decode cleanly or are a SealFormatError, and the checks of what decodes never throw', async () => {
    const next = random(38540);
    let decoded = 0;
    let refused = 0;
    for (const [, kind, der] of [...fixtures, ...(await madeHere())]) {
      let checked = 0;
      for (let round = 0; round < 600; round++) {
        const damaged = Buffer.from(der);
        const changes = 1 + Math.floor(next() * 4);
        for (let i = 0; i < changes; i++) {
          // Half the changes land in the first 1,000 or last 600 bytes, where the structure is dense (not the picture).
          const dense = next() < 0.5;
          const offset = dense
            ? next() < 0.6
              ? Math.floor(next() * Math.min(1000, der.length))
              : der.length - 1 - Math.floor(next() * Math.min(600, der.length))
            : Math.floor(next() * der.length);
          damaged[offset] = next() < 0.5 ? damaged[offset] ^ (1 << Math.floor(next() * 8)) : Math.floor(next() * 256);
        }
        const ok = attempt(kind, damaged, checked < CHECKED_PER_FILE);
        if (ok) {
          decoded++;
          checked++;
        } else refused++;
      }
    }
    // Both outcomes happen: the loop is not trivially one-sided.
    expect(decoded).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(500);
  });
});

/** A DER element as a tree, read here without project code (so that the variants do not depend on the reader under test). */
interface Node {
  tag: number;
  content: Buffer;
  children?: Node[];
}

function parseTree(der: Buffer, offset: number): Node & { end: number } {
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = der.readUIntBE(start, count);
    start += count;
  }
  const content = der.subarray(start, start + length);
  const node: Node & { end: number } = { tag, content, end: start + length };
  if (tag & 0x20) {
    node.children = [];
    for (let at = start; at < start + length;) {
      const child = parseTree(der, at);
      node.children.push(child);
      at = child.end;
    }
  }
  return node;
}

/** Every element's path (child indexes from the root). */
function elementPaths(node: Node, path: number[] = []): number[][] {
  return [path, ...(node.children ?? []).flatMap((child, i) => elementPaths(child, [...path, i]))];
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** The tree's DER with the element at `cut` one content byte shorter (a constructed one loses its last byte). */
function serialise(node: Node, cut: number[] | undefined): Buffer {
  let content: Buffer;
  if (cut && cut.length === 0)
    content = (node.children ? Buffer.concat(node.children.map((child) => serialise(child, undefined))) : node.content).subarray(0, -1);
  else if (node.children)
    content = Buffer.concat(node.children.map((child, i) => serialise(child, cut && cut[0] === i ? cut.slice(1) : undefined)));
  else content = node.content;
  return Buffer.concat([Buffer.from([node.tag]), encodeLength(content.length), content]);
}
