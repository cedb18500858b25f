import { crc32 } from 'node:zlib';
import { OfdFormatError } from '../errors.js';
import { entryNameProblem, printable } from './entry-name.js';
import { inflateBounded } from './inflate-bounded.js';
import { RATIO_FLOOR, type ZipLimits } from './limits.js';

/** An entry as stored: what the writer needs to copy it into a new package unchanged. */
export interface StoredZipEntry {
  readonly nameBytes: Buffer;
  readonly flags: number;
  readonly method: 0 | 8;
  readonly dosTime: number;
  readonly dosDate: number;
  readonly crc32: number;
  readonly size: number;
  readonly versionMadeBy: number;
  readonly internalAttributes: number;
  readonly externalAttributes: number;
  /** The entry's data exactly as compressed in the package. */
  readonly compressed: Buffer;
}

export interface ZipEntry {
  /** The package path, e.g. `Doc_0/Document.xml`; a folder's ends in `/`. */
  readonly name: string;
  readonly isFolder: boolean;
  /** The uncompressed bytes (empty for a folder). */
  readonly data: Buffer;
  readonly stored: StoredZipEntry;
}

const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const EOCD_MARK = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A central directory record, checked, with where its data lies. */
interface CentralRecord {
  readonly name: string;
  readonly isFolder: boolean;
  readonly stored: StoredZipEntry;
}

/**
 * Reads every entry of a zip package, strictly: one archive with nothing before or after it, no
 * ZIP64, no encryption, stored or deflated entries whose local headers agree with the central
 * directory and whose data do not overlap, unique names (also ignoring case) that are relative
 * paths without `..`, each CRC-checked. The whole central directory is checked, limits included,
 * before anything is inflated, and inflating stops at the declared size.
 */
export function readZip(zip: Uint8Array, limits: ZipLimits): ZipEntry[] {
  return readCentralDirectory(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength), limits).map(({ name, isFolder, stored }) => {
    const data = stored.method === 0 ? Buffer.from(stored.compressed) : inflateBounded(stored.compressed, stored.size, printable(name));
    if (crc32(data) >>> 0 !== stored.crc32) throw new OfdFormatError(`entry "${printable(name)}" fails its CRC check`);
    return { name, isFolder, data, stored };
  });
}

function readCentralDirectory(bytes: Buffer, limits: ZipLimits): CentralRecord[] {
  const eocd = findEndOfCentralDirectory(bytes);
  const count = bytes.readUInt16LE(eocd + 10);
  const centralSize = bytes.readUInt32LE(eocd + 12);
  const centralStart = bytes.readUInt32LE(eocd + 16);
  if (bytes.readUInt16LE(eocd + 4) !== 0 || bytes.readUInt16LE(eocd + 6) !== 0 || bytes.readUInt16LE(eocd + 8) !== count)
    throw new OfdFormatError('the zip archive spans several disks');
  if (count === 0xffff || centralStart === 0xffffffff || centralSize === 0xffffffff)
    throw new OfdFormatError('ZIP64 archives are not read');
  if (count > limits.maxEntries) throw new OfdFormatError(`the package has ${count} entries, more than the ${limits.maxEntries} allowed`);
  if (centralStart + centralSize !== eocd) throw new OfdFormatError('the zip central directory does not end where the end record is');

  const records: CentralRecord[] = [];
  const regions: Array<[start: number, end: number]> = [];
  const seen = new Set<string>();
  let total = 0;
  let at = centralStart;
  for (let index = 0; index < count; index++) {
    if (at + CENTRAL_SIZE > eocd || bytes.readUInt32LE(at) !== CENTRAL_SIGNATURE)
      throw new OfdFormatError('the zip central directory is damaged');
    const nameLength = bytes.readUInt16LE(at + 28);
    const next = at + CENTRAL_SIZE + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    if (next > eocd) throw new OfdFormatError('the zip central directory is damaged');
    const header = {
      versionMadeBy: bytes.readUInt16LE(at + 4),
      flags: bytes.readUInt16LE(at + 8),
      method: bytes.readUInt16LE(at + 10),
      dosTime: bytes.readUInt16LE(at + 12),
      dosDate: bytes.readUInt16LE(at + 14),
      crc32: bytes.readUInt32LE(at + 16),
      compressedSize: bytes.readUInt32LE(at + 20),
      size: bytes.readUInt32LE(at + 24),
      internalAttributes: bytes.readUInt16LE(at + 36),
      externalAttributes: bytes.readUInt32LE(at + 38),
      localOffset: bytes.readUInt32LE(at + 42),
      nameBytes: bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength),
    };
    at = next;

    const name = decodeName(header.nameBytes);
    const problem = entryNameProblem(name);
    if (problem !== undefined) throw new OfdFormatError(problem);
    const folded = name.toLowerCase();
    if (seen.has(folded)) throw new OfdFormatError(`the package has entry "${printable(name)}" twice (names compared ignoring case)`);
    seen.add(folded);
    if (header.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) throw new OfdFormatError(`entry "${printable(name)}" is encrypted`);
    if (header.method !== 0 && header.method !== 8)
      throw new OfdFormatError(`entry "${printable(name)}" uses compression method ${header.method} (only stored and deflated are read)`);
    if (header.size === 0xffffffff || header.compressedSize === 0xffffffff || header.localOffset === 0xffffffff)
      throw new OfdFormatError('ZIP64 archives are not read');
    if (header.method === 0 && header.compressedSize !== header.size)
      throw new OfdFormatError(`stored entry "${printable(name)}" has two sizes`);
    const isFolder = name.endsWith('/');
    if (isFolder && header.size !== 0) throw new OfdFormatError(`folder entry "${printable(name)}" has content`);

    total += header.size;
    if (total > limits.maxTotalSize) throw new OfdFormatError(`the package inflates to more than the ${limits.maxTotalSize} bytes allowed`);
    if (header.size > RATIO_FLOOR && header.size > header.compressedSize * limits.maxRatio)
      throw new OfdFormatError(`entry "${printable(name)}" compresses more than ${limits.maxRatio}:1, as a zip bomb does`);

    const dataStart = localDataStart(bytes, header, centralStart, name);
    const dataEnd = dataStart + header.compressedSize;
    if (dataEnd > centralStart) throw new OfdFormatError(`entry "${printable(name)}" runs into the central directory`);
    regions.push([header.localOffset, dataEnd]);
    const { compressedSize: _size, localOffset: _offset, method, ...kept } = header;
    records.push({ name, isFolder, stored: { ...kept, method, compressed: bytes.subarray(dataStart, dataEnd) } });
  }
  if (at !== eocd) throw new OfdFormatError('the zip central directory has bytes after its last entry');
  checkNoOverlap(regions);
  checkFoldersAreNotFiles(records);
  return records;
}

/** The end-of-central-directory record: the last one whose comment runs exactly to the end of the file. */
function findEndOfCentralDirectory(bytes: Buffer): number {
  // Buffer.lastIndexOf counts a negative start from the end, so a file shorter than the record is refused first.
  if (bytes.length < EOCD_SIZE) throw new OfdFormatError('not a zip archive (too short)');
  const lowest = Math.max(0, bytes.length - EOCD_SIZE - 0xffff);
  for (
    let at = bytes.lastIndexOf(EOCD_MARK, bytes.length - EOCD_SIZE);
    at >= lowest;
    at = at > 0 ? bytes.lastIndexOf(EOCD_MARK, at - 1) : -1
  ) {
    if (at + EOCD_SIZE + bytes.readUInt16LE(at + 20) === bytes.length) return at;
  }
  throw new OfdFormatError('not a zip archive (no end-of-central-directory record)');
}

/** Where the entry's data starts, after a local header that must agree with the central one. */
function localDataStart(
  bytes: Buffer,
  header: { localOffset: number; nameBytes: Buffer; method: number; flags: number; crc32: number; compressedSize: number; size: number },
  centralStart: number,
  name: string,
): number {
  const at = header.localOffset;
  if (at + LOCAL_SIZE > centralStart || bytes.readUInt32LE(at) !== LOCAL_SIGNATURE)
    throw new OfdFormatError(`entry "${printable(name)}" has no local header where the central directory says`);
  const nameLength = bytes.readUInt16LE(at + 26);
  const dataStart = at + LOCAL_SIZE + nameLength + bytes.readUInt16LE(at + 28);
  if (dataStart > centralStart || !bytes.subarray(at + LOCAL_SIZE, at + LOCAL_SIZE + nameLength).equals(header.nameBytes))
    throw new OfdFormatError(`the local header of entry "${printable(name)}" names another entry`);
  if (bytes.readUInt16LE(at + 8) !== header.method)
    throw new OfdFormatError(`the headers of entry "${printable(name)}" disagree on its compression`);
  const localFlags = bytes.readUInt16LE(at + 6);
  if (!(localFlags & FLAG_DATA_DESCRIPTOR)) {
    const agree =
      bytes.readUInt32LE(at + 14) === header.crc32 &&
      bytes.readUInt32LE(at + 18) === header.compressedSize &&
      bytes.readUInt32LE(at + 22) === header.size;
    if (!agree) throw new OfdFormatError(`the headers of entry "${printable(name)}" disagree on its size or CRC`);
  }
  return dataStart;
}

function decodeName(nameBytes: Buffer): string {
  try {
    return utf8.decode(nameBytes);
  } catch {
    throw new OfdFormatError('an entry name is not UTF-8');
  }
}

/** Two entries sharing bytes is how "overlapping" zip bombs multiply their output; no writer does it. */
function checkNoOverlap(regions: Array<[number, number]>): void {
  const sorted = [...regions].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i][0] < sorted[i - 1][1]) throw new OfdFormatError('two zip entries share their data');
  }
}

/** `a/b` and `a/b/c` both being files would make `a/b` mean two things. */
function checkFoldersAreNotFiles(entries: readonly CentralRecord[]): void {
  const files = new Set(entries.filter((entry) => !entry.isFolder).map((entry) => entry.name.toLowerCase()));
  for (const entry of entries) {
    const segments = entry.name.toLowerCase().split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/');
      if (files.has(parent)) throw new OfdFormatError(`"${printable(parent)}" is both a file and a folder in the package`);
    }
  }
}
