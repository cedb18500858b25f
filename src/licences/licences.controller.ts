import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { IssuanceLogRefDto } from '../audit/issuance/issuance-log-ref.dto.js';
import type { FastifyReply } from 'fastify';
import { ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiSchema, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { accessTokenOf, RequireScopes } from '../auth/access-token.guard.js';
import type { HttpRequest } from '../common/http.js';
import { requestIdOf } from '../site/not-found.js';
import { API_BODY_ERRORS, ApiErrors } from '../common/openapi.js';
import { IsUscc } from '../identifiers/validators.js';
import { BusinessLicenceService, type IssuedBusinessLicence } from './business-licence.service.js';

const USCC_EXAMPLE = '91350100MA2YTB8K4L';
const CSR_EXAMPLE =
  '-----BEGIN CERTIFICATE REQUEST-----\nMIHXMH8CAQAwHTEbMBkGA1UEAwwSOTEzNTAxMDBNQTJZVEI4SzRMMFkwEwYHKoZI\nzj0CAQYIKoZIzj0DAQcDQgAENrGTFapxxbp/wGmAW+uElOFmsXo2cXG8vhnyO9Nu\niBro3hvBNQP6V/z3MbbnH+fhLvxk77a4LGqzcw7iIGBUVqAAMAoGCCqGSM49BAMC\nA0gAMEUCIESWETEBuOvxxjXlhEwCd4MzIRPp61vq3I1q7eVBfv28AiEA4blwuUZx\nC0LyYO5eaNCqkfOw+w3Z68TlHPT3QqPQ2rE=\n-----END CERTIFICATE REQUEST-----\n';
const PEM = (what: string) => `-----BEGIN CERTIFICATE-----\nMIIC…(${what})…\n-----END CERTIFICATE-----\n`;

class UsccParam {
  @ApiProperty({ description: "the enterprise's unified social credit code (lower case accepted)", example: USCC_EXAMPLE })
  @IsUscc()
  uscc!: string;
}

@ApiSchema({ name: 'LicenceRequest' })
class LicenceRequest {
  @ApiProperty({
    description:
      "a PKCS#10 certificate signing request (PEM) for the key in the enterprise's wallet: ECDSA P-256/P-384 or RSA 2048-8192 bits, or SM2 (signed with SM2-with-SM3, user ID 1234567812345678; certified by the SM2 issuing CA), signed by that key (the subject is taken from the register, not from the request)",
    minLength: 100,
    maxLength: 16_384,
    example: CSR_EXAMPLE,
  })
  @IsString()
  @Length(100, 16_384)
  csr!: string;
}

@ApiSchema({ name: 'LicenceEnterprise' })
class LicenceEnterpriseDto {
  @ApiProperty({ description: 'unified social credit code', example: USCC_EXAMPLE })
  uscc!: string;

  @ApiProperty({ description: 'the name in the register', example: '福州通办示范科技有限公司' })
  name!: string;
}

@ApiSchema({ name: 'BusinessLicenceCredential', description: 'The business licence as an SD-JWT VC' })
class BusinessLicenceCredentialDto {
  @ApiProperty({
    description: 'the licence identifier (GB/T 36904): GET /api/v1/licences/{id} and the status lifecycle',
    example: '1.2.156.3005.2.11100000MB0143028R001.11350100MB0D345794.12.001.4',
  })
  id!: string;

  @ApiProperty({
    description: 'the SD-JWT VC (typ dc+sd-jwt, vct …/licence-types/business-licence, x5c to tongban’s root, cnf the certificate’s key)',
    example:
      'eyJhbGciOiJFUzI1NiIsInR5cCI6ImRjK3NkLWp3dCJ9.eyJ2Y3QiOiJodHRwczovL2lkLmV4YW1wbGUuZ292LmNuL2xpY2VuY2UtdHlwZXMvYnVzaW5lc3MtbGljZW5jZSJ9.MEUCIQ…~WyJzYWx0IiwibmFtZSIsIuemj-W3numAmuWKnuekuuiMg-enkeaKgOaciemZkOWFrOWPuCJd~',
  })
  credential!: string;
}

@ApiSchema({
  name: 'BusinessLicence',
  description: 'An electronic business licence: the certificate for the wallet key, its chain, and the signed licence document',
})
class BusinessLicenceDto implements IssuedBusinessLicence {
  @ApiProperty({ description: "the certificate's serial number (lowercase hex)", example: '5f1e0c3a9b7d2e4f6a8c0b1d3e5f7a9c' })
  serial!: string;

  @ApiProperty({
    description: "the enterprise's licence certificate (PEM), for the key of the request",
    example: PEM('licence certificate'),
  })
  certificate!: string;

  @ApiProperty({
    description: 'the issuing CA, then the root (PEM): the SM2 ones for an SM2 key',
    type: [String],
    example: [PEM('issuing CA'), PEM('root CA')],
  })
  chain!: string[];

  @ApiProperty({
    description:
      "the signed licence document: a compact JWS (ES256, typ tongban-licence+jwt, x5c = tongban's licence key) over the register's fields, bound to the certificate's key (cnf: jwk and x5t#S256; x5t#S256 alone for an SM2 key)",
    example:
      'eyJhbGciOiJFUzI1NiIsInR5cCI6InRvbmdiYW4tbGljZW5jZStqd3QiLCJraWQiOiJsaWNlbmNlLTEifQ.eyJpc3MiOiJodHRwczovL2lkLmV4YW1wbGUuZ292LmNuIiwic3ViIjoiOTEzNTAxMDBNQTJZVEI4SzRMIn0.MEUCIQ…',
  })
  licence!: string;

  @ApiProperty({ description: 'whose licence it is', type: LicenceEnterpriseDto })
  enterprise!: LicenceEnterpriseDto;

  @ApiPropertyOptional({
    description:
      "the same licence as a `business-licence` SD-JWT VC (claims from the register, bound to the certificate's key, valid as long as the certificate): when the client is an issuing authority of that type",
    type: BusinessLicenceCredentialDto,
  })
  credential?: BusinessLicenceCredentialDto;

  @ApiPropertyOptional({
    description:
      'the certificate’s leaf in the public issuance log (issue 14 §3): check it is logged with GET /api/v1/transparency/issuance/proofs/inclusion',
    type: IssuanceLogRefDto,
  })
  transparency?: IssuanceLogRefDto;
}

/** Issuing electronic business licences: the market regulator's service client (scope licence:issue). */
@ApiTags('licences')
@RequireScopes('licence:issue')
@Controller('api/v1/enterprises')
export class LicencesController {
  constructor(private readonly licences: BusinessLicenceService) {}

  @Post(':uscc/licence')
  @ApiOperation({
    operationId: 'issueBusinessLicence',
    summary: "Issue an electronic business licence for the enterprise's key (PKCS#10 CSR, PEM)",
    description:
      "Scope `licence:issue` (the market regulator's service client). Only an enterprise active in the register gets one; " +
      "the certificate's subject is the register's (USCC and name), and a later status change in the register revokes or holds it. `tongban wallet enrol` calls this.",
  })
  @ApiCreatedResponse({
    description: 'the licence',
    type: BusinessLicenceDto,
    example: {
      serial: '5f1e0c3a9b7d2e4f6a8c0b1d3e5f7a9c',
      certificate: PEM('licence certificate'),
      chain: [PEM('issuing CA'), PEM('root CA')],
      licence:
        'eyJhbGciOiJFUzI1NiIsInR5cCI6InRvbmdiYW4tbGljZW5jZStqd3QiLCJraWQiOiJsaWNlbmNlLTEifQ.eyJpc3MiOiJodHRwczovL2lkLmV4YW1wbGUuZ292LmNuIiwic3ViIjoiOTEzNTAxMDBNQTJZVEI4SzRMIn0.MEUCIQ…',
      enterprise: { uscc: USCC_EXAMPLE, name: '福州通办示范科技有限公司' },
      transparency: { log: 'issuance', index: 7 },
    },
  })
  @ApiErrors({
    ...API_BODY_ERRORS,
    400: [
      ...API_BODY_ERRORS[400],
      'malformed_url',
      { error: 'csr_malformed', message: 'the certificate signing request is not a valid PKCS#10 structure' },
      { error: 'csr_signature_invalid', message: 'the request is not signed by the key it contains' },
      { error: 'csr_key_unsupported', message: 'EC keys must be on P-256, P-384 or the SM2 curve' },
      {
        error: 'csr_algorithm_unsupported',
        message:
          'the request is signed with an algorithm tongban does not accept (use ECDSA or RSA PKCS#1 v1.5 with SHA-256/384/512, or SM2 with SM3)',
      },
      {
        error: 'invalid_validity',
        message: "the validity must lie within the issuing CA's (2025-01-01T00:00:00.000Z to 2030-01-01T00:00:00.000Z)",
      },
    ],
    404: [{ error: 'enterprise_not_found', message: `no enterprise ${USCC_EXAMPLE} in the register` }],
    422: [
      { error: 'enterprise_inactive', message: 'the enterprise is suspended in the register; only an active enterprise gets a licence' },
    ],
    503: [{ error: 'pki_unavailable', message: 'the certificate authority is not ready: no issuing CA certificate' }],
  })
  issue(
    @Param() { uscc }: UsccParam,
    @Body() { csr }: LicenceRequest,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const clientId = accessTokenOf(req).clientId;
    return this.licences.issue(uscc.toUpperCase(), csr, clientId, { actor: { kind: 'client', id: clientId }, requestId: requestIdOf(res) });
  }
}
