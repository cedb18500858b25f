/** What an OFD package may hold before it is refused as a zip bomb (or just too big to take in memory). */
export interface ZipLimits {
  /** Entries in the central directory, folders included. */
  readonly maxEntries: number;
  /** Sum of the uncompressed sizes of all entries, in bytes. */
  readonly maxTotalSize: number;
  /** Largest uncompressed/compressed ratio of an entry bigger than RATIO_FLOOR (1 MiB). */
  readonly maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = Object.freeze({
  maxEntries: 10_000,
  maxTotalSize: 128 * 1024 * 1024,
  maxRatio: 100,
});

/**
 * Small entries may compress far better than 100:1 (a page of repeated path data, an empty
 * resource list padded with spaces); the ratio only matters once an entry is big enough to hurt.
 */
export const RATIO_FLOOR = 1024 * 1024;
