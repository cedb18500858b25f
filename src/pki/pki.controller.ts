import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { KeyStoreError } from '../keys/key-types.js';
import { PkiUnavailableError } from './ca.js';
import { PkiService } from './pki.service.js';

/** The CA's public certificates and CRLs (design §4); OCSP is served by ocsp-http.ts. No authentication. */
@ApiTags('pki')
@Controller('pki')
export class PkiController {
  constructor(private readonly pki: PkiService) {}

  @Get('ca/:file')
  @ApiOperation({ summary: 'The CA certificates: root.pem, issuing.pem (PEM) or root.cer, issuing.cer (DER)' })
  async caCertificate(@Param('file') file: string, @Res() res: FastifyReply): Promise<void> {
    const match = /^(root|issuing)\.(pem|cer)$/.exec(file);
    if (!match) throw new ApiError(404, 'not_found', 'no such CA certificate: root.pem, issuing.pem, root.cer and issuing.cer exist');
    const certificate = await available(() => this.pki.caCertificate(match[1] as 'root' | 'issuing'));
    res.header('cache-control', 'public, max-age=3600');
    if (match[2] === 'pem') res.type('application/x-pem-file').send(certificate.pem);
    else res.type('application/pkix-cert').send(certificate.der);
  }

  @Get('crl/:file')
  @ApiOperation({ summary: 'The CRLs (DER): root.crl (issuing CA certificates), issuing.crl (end-entity certificates)' })
  async crl(@Param('file') file: string, @Res() res: FastifyReply): Promise<void> {
    const match = /^(root|issuing)\.crl$/.exec(file);
    if (!match) throw new ApiError(404, 'not_found', 'no such CRL: root.crl and issuing.crl exist');
    const der = await available(() => this.pki.crl(match[1] as 'root' | 'issuing'));
    res.header('cache-control', 'no-cache');
    res.type('application/pkix-crl').send(der);
  }
}

/** A CA without its keys, or a database out of reach, is "try again later" (503), not a 500. */
async function available<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PkiUnavailableError || err instanceof KeyStoreError)
      throw new ApiError(503, 'pki_unavailable', 'the certificate authority is not ready: its keys or certificates are missing');
    if (err instanceof Error && (err.name === 'QueryFailedError' || /ECONNREFUSED|Connection terminated|timeout/i.test(err.message))) {
      throw new ApiError(503, 'unavailable', 'the CRL cannot be read now: try again later');
    }
    throw err;
  }
}
