import { deflateSync } from 'fflate';
import { crc32 } from 'node:zlib';
import type { StoredZipEntry } from './read-zip.js';

/** An entry of the package to write: copied as it was stored, or new bytes to compress. */
export type ZipOutput =
  { readonly kind: 'copy'; readonly stored: StoredZipEntry } | { readonly kind: 'new'; readonly name: string; readonly data: Uint8Array };

const FLAG_UTF8 = 0x0800;
/** Bits 1-2 (deflate level hint) and 11 (UTF-8 name) describe the entry; the rest described how it was written. */
const KEPT_FLAGS = 0x0806;

/**
 * Writes a zip archive. A copied entry keeps its compressed bytes, CRC, method, time and
 * attributes (so its content is byte-identical without being re-deflated); its local header is
 * rewritten with the sizes in it (no data descriptor) and without extra fields. New entries are
 * deflated, or stored when deflating does not make them smaller.
 */
export function writeZip(outputs: readonly ZipOutput[], modified: Date): Buffer {
  const time = dosDateTime(modified);
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const output of outputs) {
    const entry = output.kind === 'copy' ? output.stored : compress(output.name, output.data, time);
    const versionNeeded = entry.method === 8 ? 20 : 10;
    const flags = entry.flags & KEPT_FLAGS;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(versionNeeded, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt16LE(entry.dosTime, 10);
    local.writeUInt16LE(entry.dosDate, 12);
    local.writeUInt32LE(entry.crc32, 14);
    local.writeUInt32LE(entry.compressed.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(entry.nameBytes.length, 26);
    local.writeUInt16LE(0, 28);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(entry.versionMadeBy, 4);
    header.writeUInt16LE(versionNeeded, 6);
    header.writeUInt16LE(flags, 8);
    header.writeUInt16LE(entry.method, 10);
    header.writeUInt16LE(entry.dosTime, 12);
    header.writeUInt16LE(entry.dosDate, 14);
    header.writeUInt32LE(entry.crc32, 16);
    header.writeUInt32LE(entry.compressed.length, 20);
    header.writeUInt32LE(entry.size, 24);
    header.writeUInt16LE(entry.nameBytes.length, 28);
    header.writeUInt16LE(entry.internalAttributes, 36);
    header.writeUInt32LE(entry.externalAttributes, 38);
    header.writeUInt32LE(offset, 42);

    parts.push(local, entry.nameBytes, entry.compressed);
    central.push(header, entry.nameBytes);
    offset += local.length + entry.nameBytes.length + entry.compressed.length;
  }
  const centralSize = central.reduce((sum, part) => sum + part.length, 0);
  if (outputs.length > 0xfffe || offset + centralSize > 0xfffffffe)
    throw new RangeError('the package is too large for a zip archive without ZIP64');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(outputs.length, 8);
  end.writeUInt16LE(outputs.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, end]);
}

function compress(name: string, data: Uint8Array, time: { dosTime: number; dosDate: number }): StoredZipEntry {
  const deflated = deflateSync(data, { level: 6 });
  const store = deflated.length >= data.length;
  const nameBytes = Buffer.from(name, 'utf8');
  return {
    nameBytes,
    flags: /^[\u0000-\u007f]*$/.test(name) ? 0 : FLAG_UTF8,
    method: store ? 0 : 8,
    ...time,
    crc32: crc32(data) >>> 0,
    size: data.length,
    versionMadeBy: 20,
    internalAttributes: 0,
    externalAttributes: 0,
    compressed: Buffer.from(store ? data : deflated),
  };
}

/** MS-DOS date and time fields, from the UTC clock (zip has no time zone; UTC is at least the same everywhere). */
function dosDateTime(at: Date): { dosTime: number; dosDate: number } {
  const year = Math.min(Math.max(at.getUTCFullYear(), 1980), 2107);
  return {
    dosTime: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | (at.getUTCSeconds() >> 1),
    dosDate: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}
