import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../common/api-error.js';
import { KeyStoreError } from '../keys/key-types.js';
import { PkiUnavailableError } from './ca.js';
import { PkiService, type CaName } from './pki.service.js';
import type { CrlName } from './crl.js';

/** The CA's public certificates and CRLs (design §4); OCSP is served by ocsp-http.ts. No authentication. */
@ApiTags('pki')
@Controller('pki')
export class PkiController {
  constructor(private readonly pki: PkiService) {}

  @Get('ca/:file')
  @ApiOperation({
    summary:
      'The CA certificates: root.pem, issuing.pem (ECDSA P-256) and sm2-root.pem, sm2-issuing.pem (SM2 with SM3), as PEM, or .cer for DER',
  })
  async caCertificate(@Param('file') file: string, @Res() res: FastifyReply): Promise<void> {
    const match = /^((?:sm2-)?(?:root|issuing))\.(pem|cer)$/.exec(file);
    if (!match)
      throw new ApiError(
        404,
        'not_found',
        'no such CA certificate: root, issuing, sm2-root and sm2-issuing exist, as .pem (PEM) or .cer (DER)',
      );
    const certificate = await available(() => this.pki.caCertificate(match[1] as CaName));
    res.header('cache-control', 'public, max-age=3600');
    if (match[2] === 'pem') res.type('application/x-pem-file').send(certificate.pem);
    else res.type('application/pkix-cert').send(certificate.der);
  }

  @Get('crl/:file')
  @ApiOperation({
    summary:
      'The CRLs (DER): root.crl (issuing CA certificates), issuing.crl (end-entity certificates), and sm2-root.crl, sm2-issuing.crl of the SM2 hierarchy',
  })
  async crl(@Param('file') file: string, @Res() res: FastifyReply): Promise<void> {
    const match = /^((?:sm2-)?(?:root|issuing))\.crl$/.exec(file);
    if (!match) throw new ApiError(404, 'not_found', 'no such CRL: root.crl, issuing.crl, sm2-root.crl and sm2-issuing.crl exist');
    const der = await available(() => this.pki.crl(match[1] as CrlName));
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
