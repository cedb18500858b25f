/**
 * OFD file references (ST_Loc, GB/T 33190 §7.3): `/` starts at the package root; anything else
 * is relative to the folder of the file that holds the reference. `.` and `..` may appear but
 * may not climb out of the package. Package paths here have no leading slash: `Doc_0/Document.xml`.
 */
export function resolveLoc(loc: string, baseFolder: string): string | undefined {
  const trimmed = loc.trim();
  if (trimmed === '' || trimmed.endsWith('/') || /[\u0000-\u001f\u007f\\]/.test(trimmed)) return undefined;
  const absolute = trimmed.startsWith('/');
  const segments = absolute || baseFolder === '' ? [] : baseFolder.split('/');
  for (const segment of (absolute ? trimmed.slice(1) : trimmed).split('/')) {
    if (segment === '') return undefined;
    if (segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else segments.push(segment);
  }
  return segments.length === 0 ? undefined : segments.join('/');
}

/** The folder a package path is in (`Doc_0` for `Doc_0/Document.xml`, `` for `OFD.xml`). */
export function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** How tongban writes a reference: absolute, as GB/T 33190 asks of a signature's FileRef. */
export function absoluteLoc(path: string): string {
  return `/${path}`;
}
