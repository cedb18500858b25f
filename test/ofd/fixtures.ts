import { strFromU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { sesFixture } from '../seals/fixtures.js';

export const UNSIGNED = ['helloworld.ofd', 'VPage7.ofd', 'namespace_no_std.ofd'] as const;
export const SIGNED = ['v4signed.ofd', 'signedFile.ofd', 'allprotected.ofd', 'SESV4SignDoc.ofd', 'DigitalSign.ofd'] as const;
export const ALL_OFD = [...UNSIGNED, ...SIGNED] as const;

/** Other systems' real OFD files (test/fixtures/ses). */
export function fixture(name: string): Buffer {
  return sesFixture(name);
}

/** The files of a package, by fflate (not tongban's reader). */
export function unzipFiles(ofd: Uint8Array): Map<string, Uint8Array> {
  return new Map(Object.entries(unzipSync(ofd)).filter(([name]) => !name.endsWith('/')));
}

/** A package rebuilt by fflate from files, some of them changed (level 0 stores them: faster, for fuzzing). */
export function rezip(ofd: Uint8Array, change: (files: Map<string, Uint8Array>) => void, level: 0 | 6 = 6): Uint8Array {
  const files = unzipFiles(ofd);
  change(files);
  const zippable: Zippable = {};
  for (const [name, data] of files) zippable[name] = data;
  return zipSync(zippable, { level });
}

export function text(data: Uint8Array): string {
  return strFromU8(data);
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A seeded pseudo-random generator (mulberry32), so a failing fuzz case can be replayed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
