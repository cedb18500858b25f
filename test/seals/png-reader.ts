import { inflateSync } from 'node:zlib';

/**
 * A PNG decoded for the tests with node:zlib and nothing of the project's: chunks, IHDR, the
 * palette and its transparency, the inflated and unfiltered rows, as RGBA. Enough for 8-bit
 * greyscale, RGB, indexed, grey+alpha and RGBA images without interlacing.
 */
export interface DecodedPng {
  width: number;
  height: number;
  colourType: number;
  bitDepth: number;
  chunks: string[];
  /** pHYs pixels per metre (x), when given. */
  pixelsPerMetre?: number;
  rgba(x: number, y: number): [number, number, number, number];
}

export function decodePng(png: Buffer): DecodedPng {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error('no PNG signature');
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let ihdr: Buffer | undefined;
  let palette: Buffer = Buffer.alloc(0);
  let transparency: Buffer = Buffer.alloc(0);
  let pixelsPerMetre: number | undefined;
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    chunks.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'PLTE') palette = data;
    if (type === 'tRNS') transparency = data;
    if (type === 'IDAT') idat.push(data);
    if (type === 'pHYs' && data[8] === 1) pixelsPerMetre = data.readUInt32BE(0);
    at += 12 + length;
  }
  if (!ihdr) throw new Error('no IHDR');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8];
  const colourType = ihdr[9];
  if (bitDepth !== 8 || ihdr[12] !== 0) throw new Error('only 8-bit, non-interlaced PNGs are read here');
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colourType];
  if (!channels) throw new Error(`colour type ${colourType}`);
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length !== (stride + 1) * height) throw new Error(`IDAT inflates to ${raw.length} bytes, not ${(stride + 1) * height}`);
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y ? pixels[(y - 1) * stride + x - channels] : 0;
      const predictor = [
        0,
        a,
        b,
        (a + b) >> 1,
        Math.abs(b - c) <= Math.abs(a - c) && Math.abs(b - c) <= Math.abs(a + b - 2 * c)
          ? a
          : Math.abs(a - c) <= Math.abs(a + b - 2 * c)
            ? b
            : c,
      ][filter];
      if (predictor === undefined) throw new Error(`filter type ${filter}`);
      pixels[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return {
    width,
    height,
    colourType,
    bitDepth,
    chunks,
    ...(pixelsPerMetre === undefined ? {} : { pixelsPerMetre }),
    rgba(x, y) {
      const p = pixels.subarray((y * width + x) * channels, (y * width + x + 1) * channels);
      switch (colourType) {
        case 0:
          return [p[0], p[0], p[0], 255];
        case 2:
          return [p[0], p[1], p[2], 255];
        case 3:
          return [palette[p[0] * 3], palette[p[0] * 3 + 1], palette[p[0] * 3 + 2], p[0] < transparency.length ? transparency[p[0]] : 255];
        case 4:
          return [p[0], p[0], p[0], p[1]];
        default:
          return [p[0], p[1], p[2], p[3]];
      }
    },
  };
}
