import { crc32, deflateSync } from 'node:zlib';

/** The eight bytes every PNG file starts with (PNG §5.2). */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export class PngError extends Error {
  override readonly name = 'PngError';
}

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
}

/** Bit depths allowed per colour type (PNG §11.2.2). */
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const MAX_SIDE = 8192;

/**
 * Reads a PNG's structure without decoding its pixels: the signature, then every chunk's length
 * and CRC, IHDR first and well-formed (size, bit depth and colour type that go together), a PLTE
 * for indexed colour, at least one IDAT, IEND last with nothing after it. Throws PngError.
 */
export function readPngInfo(bytes: Buffer): PngInfo {
  if (bytes.length < PNG_SIGNATURE.length || !bytes.subarray(0, 8).equals(PNG_SIGNATURE))
    throw new PngError('it is not a PNG file (no PNG signature)');
  let at = 8;
  let info: PngInfo | undefined;
  let idat = false;
  let plte = false;
  for (let index = 0; ; index++) {
    if (at + 12 > bytes.length) throw new PngError('the file ends inside a chunk (no IEND)');
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new PngError(`chunk ${index} has an invalid type`);
    if (length > 0x7fffffff || at + 12 + length > bytes.length) throw new PngError(`the ${type} chunk runs past the end of the file`);
    const crc = bytes.readUInt32BE(at + 8 + length);
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== crc) throw new PngError(`the ${type} chunk's CRC does not match`);
    const data = bytes.subarray(at + 8, at + 8 + length);
    at += 12 + length;
    if (index === 0) {
      if (type !== 'IHDR' || length !== 13) throw new PngError('the first chunk is not a 13-byte IHDR');
      info = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8], colourType: data[9] };
      if (!info.width || !info.height || info.width > MAX_SIDE || info.height > MAX_SIDE)
        throw new PngError(`${info.width}×${info.height} pixels: each side must be 1 to ${MAX_SIDE}`);
      if (!DEPTHS[info.colourType]?.includes(info.bitDepth))
        throw new PngError(`colour type ${info.colourType} with bit depth ${info.bitDepth} is not a valid PNG combination`);
      if (data[10] !== 0 || data[11] !== 0 || data[12] > 1) throw new PngError('unknown compression, filter or interlace method');
      continue;
    }
    if (type === 'IHDR') throw new PngError('a second IHDR chunk');
    if (type === 'PLTE') plte = true;
    if (type === 'IDAT') idat = true;
    if (type === 'IEND') {
      if (at !== bytes.length) throw new PngError('bytes after the IEND chunk');
      break;
    }
    // An unknown critical chunk (upper-case first letter) cannot be skipped by a reader.
    if (type[0] === type[0].toUpperCase() && !['PLTE', 'IDAT'].includes(type)) throw new PngError(`unknown critical chunk ${type}`);
  }
  if (!idat) throw new PngError('no image data (IDAT)');
  if (info!.colourType === 3 && !plte) throw new PngError('an indexed-colour PNG without a palette');
  return info!;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG of one colour at 256 levels of opacity: 8-bit indexed colour whose palette is that colour
 * 256 times and whose tRNS gives entry i the opacity i, so each pixel's byte is its coverage. A
 * seal is drawn in one ink, so this loses nothing, and it is about a quarter of the RGBA file: the
 * seal travels inside every document it stamps. `pixelsPerMetre` goes in pHYs for printing.
 */
export function oneColourPng(
  alpha: Uint8Array,
  width: number,
  height: number,
  rgb: readonly [number, number, number],
  pixelsPerMetre: number,
): Buffer {
  if (alpha.length !== width * height) throw new RangeError('the coverage does not match the size');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 3; // indexed colour
  const palette = Buffer.alloc(256 * 3);
  for (let i = 0; i < 256; i++) palette.set(rgb, i * 3);
  const opacity = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const physical = Buffer.alloc(9);
  physical.writeUInt32BE(Math.round(pixelsPerMetre), 0);
  physical.writeUInt32BE(Math.round(pixelsPerMetre), 4);
  physical[8] = 1; // the unit is the metre
  // Filter type 0 on every row: the image is mostly runs of 0 and 255, which deflate well as they are
  // (smaller here than PNG's adaptive filters).
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(alpha.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('pHYs', physical),
    chunk('PLTE', palette),
    chunk('tRNS', opacity),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
