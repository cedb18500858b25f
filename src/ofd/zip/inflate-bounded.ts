import { Inflate } from 'fflate';
import { OfdFormatError } from '../errors.js';

/** Input is fed in slices this big, so one push yields at most ~4 MiB (deflate expands at most 1032:1); smaller slices cost throughput. */
const SLICE = 4 * 1024;

/**
 * Inflates raw deflate data that the central directory says is `size` bytes, stopping as soon as
 * it yields more: an entry that lies about its size costs at most one slice's worth of output,
 * never the gigabytes it would inflate to.
 */
export function inflateBounded(compressed: Uint8Array, size: number, name: string): Buffer {
  const out = Buffer.allocUnsafe(size);
  let written = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    if (written + chunk.length > size) throw new OfdFormatError(`entry "${name}" inflates to more than the ${size} bytes it declares`);
    out.set(chunk, written);
    written += chunk.length;
    if (final) ended = true;
  });
  try {
    if (compressed.length === 0) inflater.push(compressed, true);
    for (let at = 0; at < compressed.length; at += SLICE) {
      const end = Math.min(at + SLICE, compressed.length);
      inflater.push(compressed.subarray(at, end), end === compressed.length);
    }
  } catch (error) {
    if (error instanceof OfdFormatError) throw error;
    throw new OfdFormatError(`entry "${name}" is not valid deflate data (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!ended || written !== size) throw new OfdFormatError(`entry "${name}" inflates to ${written} bytes, not the ${size} it declares`);
  return out;
}
