import type { NextFunction, Request, Response } from 'express';
import { raw } from 'express';
import { OCSP_INTERNAL_ERROR, OCSP_MAX_REQUEST_BYTES } from './ocsp.js';

const readBody = raw({ type: () => true, limit: OCSP_MAX_REQUEST_BYTES });

/**
 * The OCSP responder's HTTP side (RFC 6960 Appendix A), mounted as plain Express middleware at
 * /pki/ocsp:
 *   POST /pki/ocsp            body: the DER OCSPRequest (application/ocsp-request, at most 16 kB)
 *   GET  /pki/ocsp/{request}  the URL-encoded base64 of the DER OCSPRequest
 * Every answer is 200 application/ocsp-response; whatever is wrong with the request — a body too
 * large, a broken percent-encoding, bytes that are not an OCSPRequest — gets the OCSP
 * malformedRequest response, because OCSP clients read OCSP answers, not JSON errors. (Nest's
 * router would answer a broken percent-encoding with a JSON 400 before any handler ran, so this
 * sits in front of it; it also keeps the hot path short.)
 */
export function ocspMiddleware(respond: (request: Buffer | undefined) => Promise<Buffer>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const rest = req.path; // relative to /pki/ocsp
    if (req.method === 'POST' && (rest === '/' || rest === '')) {
      readBody(req, res, (err?: unknown) => {
        const body = !err && Buffer.isBuffer(req.body) ? req.body : undefined;
        void answer(res, respond(body));
      });
      return;
    }
    if (req.method === 'GET' && rest.length > 1) {
      void answer(res, respond(requestFromUrl(req.originalUrl)));
      return;
    }
    next();
  };
}

async function answer(res: Response, pending: Promise<Buffer>): Promise<void> {
  const der = await pending.catch(() => OCSP_INTERNAL_ERROR);
  res.statusCode = 200;
  res.setHeader('content-type', 'application/ocsp-response');
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('content-length', der.length);
  res.end(der);
}

/** The DER request in the GET form's path, or undefined when it cannot be read. */
export function requestFromUrl(url: string): Buffer | undefined {
  const marker = '/pki/ocsp/';
  const at = url.indexOf(marker);
  if (at < 0) return undefined;
  let encoded = url.slice(at + marker.length).split('?')[0]!;
  try {
    encoded = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  // Some clients send base64url; plain base64 is the standard form.
  const base64 = encoded.replace(/-/g, '+').replace(/_/g, '/');
  if (!base64 || base64.length > OCSP_MAX_REQUEST_BYTES * 2 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
  return Buffer.from(base64, 'base64');
}
