import { OfdFormatError } from './errors.js';
import { resolveLoc } from './loc.js';

/** A file a reference names: resolved against `folder` and present in the package, or OfdFormatError. */
export function requiredFile(
  files: ReadonlyMap<string, Buffer>,
  loc: string,
  folder: string,
  where: string,
): { path: string; bytes: Buffer } {
  const path = resolveLoc(loc, folder);
  if (path === undefined) throw new OfdFormatError(`${where}: "${loc.slice(0, 200)}" is not a path inside the package`);
  const bytes = files.get(path);
  if (bytes === undefined) throw new OfdFormatError(`${where}: ${path.slice(0, 200)} is not in the package`);
  return { path, bytes };
}
