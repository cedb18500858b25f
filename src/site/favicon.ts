import { createHash } from 'node:crypto';

/**
 * tongban's icon: a white shield with a tick on the topbar's blue, as SVG (no external asset, no
 * image library). Served at /favicon.svg (linked from every page) and at /favicon.ico, which
 * browsers ask for by themselves.
 */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">' +
  '<rect width="64" height="64" rx="14" fill="#0b3a75"/>' +
  '<path d="M32 10 51 17v14c0 12-8 20.5-19 24C21 51.5 13 43 13 31V17z" fill="#fff"/>' +
  '<path d="M23 32l6.5 6.5L42 26" fill="none" stroke="#0b3a75" stroke-width="5.5" stroke-linecap="round" stroke-linejoin="round"/>' +
  '</svg>';

export const FAVICON_ETAG = `"${createHash('sha256').update(FAVICON_SVG).digest('base64url').slice(0, 12)}"`;
