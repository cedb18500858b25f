/**
 * Why a zip entry name cannot be an OFD package path, or undefined when it can: forward slashes
 * only, relative, no empty, `.` or `..` segment, no control characters. A folder entry ends in `/`.
 */
export function entryNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'an entry has an empty name';
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return `entry "${printable(name)}" has a backslash or a control character in its name`;
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return `entry "${printable(name)}" has an absolute path`;
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') return `entry "${printable(name)}" has an empty, "." or ".." path segment`;
  }
  return undefined;
}

/** A name fit for an error message: control characters escaped, at most 200 characters. */
export function printable(name: string): string {
  const escaped = name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped;
}
