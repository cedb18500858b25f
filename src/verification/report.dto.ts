import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { unionValues } from '../common/openapi.js';
import {
  INDICATION_OF,
  SubIndication,
  type CertificateSection,
  type Check,
  type CheckName,
  type CheckStatus,
  type Indication,
  type ValidationReport,
} from './report.js';

/**
 * The verification report (report.ts) as the OpenAPI document describes it: response classes
 * that implement its types, so the document cannot drift from what ReportBuilder makes. The
 * vocabulary is ETSI EN 319 102-1's; SubIndication is published as the enum it is.
 */

const INDICATIONS = unionValues<Indication>()('TOTAL_PASSED', 'TOTAL_FAILED', 'INDETERMINATE');
const CHECK_NAMES = unionValues<CheckName>()('format', 'signature', 'chain', 'revocation', 'validity', 'certList', 'dataHash', 'timestamp');
const CHECK_STATUSES = unionValues<CheckStatus>()('PASSED', 'FAILED', 'INDETERMINATE');

const subIndicationsOf = (indication: Exclude<Indication, 'TOTAL_PASSED'>) =>
  Object.values(SubIndication)
    .filter((s) => INDICATION_OF[s] === indication)
    .join(', ');

@ApiSchema({ name: 'ReportCheck', description: 'One check of the item, in the order it was made' })
export class ReportCheckDto implements Check {
  @ApiProperty({ description: 'what was checked', enum: CHECK_NAMES, enumName: 'CheckName', example: 'revocation' })
  name!: CheckName;

  @ApiProperty({
    description: 'its outcome: INDETERMINATE when it could not be settled (or was not reached)',
    enum: CHECK_STATUSES,
    enumName: 'CheckStatus',
    example: 'PASSED',
  })
  status!: CheckStatus;

  @ApiProperty({ description: 'what was found, for people', example: 'not revoked' })
  message!: string;
}

@ApiSchema({ name: 'ReportNames', description: 'Who a report is about or by: for a certificate, names from its subject or issuer' })
export class ReportNamesDto {
  [name: string]: unknown;

  @ApiPropertyOptional({ description: 'commonName', example: '福州通办示范科技有限公司' })
  commonName?: string;

  @ApiPropertyOptional({ description: 'organizationName', example: '福州通办示范科技有限公司' })
  organizationName?: string;

  @ApiPropertyOptional({
    description: "organizationIdentifier (2.5.4.97): the enterprise's unified social credit code",
    example: '91350100MA2YTB8K4L',
  })
  uscc?: string;
}

@ApiSchema({ name: 'ReportCertificate', description: 'The certificate a certificate report is about' })
export class CertificateSectionDto implements CertificateSection {
  @ApiProperty({ description: 'serial number, lowercase hex', example: '5da498ec030aeb2e8da83494a7941fac' })
  serial!: string;

  @ApiPropertyOptional({ description: 'start of validity', format: 'date-time', example: '2026-12-07T14:37:27.000Z' })
  notBefore?: string;

  @ApiPropertyOptional({ description: 'end of validity', format: 'date-time', example: '2027-12-07T14:38:27.000Z' })
  notAfter?: string;

  @ApiPropertyOptional({ description: 'the profile tongban issued it under, when it is one tongban issued', example: 'enterprise-licence' })
  profile?: string;

  @ApiPropertyOptional({ description: 'when it was revoked (or put on hold)', format: 'date-time', example: '2026-12-07T14:38:27.892Z' })
  revokedAt?: string;

  @ApiPropertyOptional({ description: 'why (RFC 5280 reason name)', example: 'keyCompromise' })
  revocationReason?: string;
}

@ApiSchema({
  name: 'ValidationReport',
  description:
    'The one report every verification answers with (design §9, ETSI EN 319 102-1): the verdict of the module that checked, ' +
    'the checks in the order they were made, and what the item says about itself. The verdict is in the body: a well-formed request gets 200 whatever it is.',
})
export class ValidationReportDto implements ValidationReport {
  @ApiProperty({
    description:
      'the verdict: TOTAL_PASSED (every check passed), TOTAL_FAILED (a failure is proven), INDETERMINATE (what is at hand cannot settle it, e.g. revocation data unavailable: never PASSED then)',
    enum: INDICATIONS,
    enumName: 'Indication',
    example: 'TOTAL_PASSED',
  })
  indication!: Indication;

  @ApiPropertyOptional({
    description:
      `why, when not TOTAL_PASSED (absent then). Under TOTAL_FAILED: ${subIndicationsOf('TOTAL_FAILED')}. ` +
      `Under INDETERMINATE: ${subIndicationsOf('INDETERMINATE')}.`,
    enum: SubIndication,
    enumName: 'SubIndication',
    example: SubIndication.REVOKED,
  })
  subIndication?: SubIndication;

  @ApiProperty({
    description:
      'the checks, in the order they were made; a TOTAL_FAILED report has one FAILED, an INDETERMINATE one has one short of PASSED',
    type: [ReportCheckDto],
  })
  checks!: ReportCheckDto[];

  @ApiPropertyOptional({ description: 'who the item is about (a certificate: its subject)', type: ReportNamesDto })
  subject?: ReportNamesDto;

  @ApiPropertyOptional({ description: 'who made it (a certificate: its issuer)', type: ReportNamesDto })
  issuer?: ReportNamesDto;

  @ApiPropertyOptional({
    description: 'when the item says it was signed (signatures and seals)',
    format: 'date-time',
    example: '2026-12-07T14:00:00.000Z',
  })
  signingTime?: string;

  @ApiPropertyOptional({
    description: 'a certificate report: which certificate, its validity and, if revoked, when and why',
    type: CertificateSectionDto,
  })
  certificate?: CertificateSectionDto;

  @ApiProperty({ description: 'the time the item was validated at', format: 'date-time', example: '2026-12-07T14:38:27.879Z' })
  validationTime!: string;
}

@ApiSchema({ name: 'ValidationReports' })
export class ValidationReportsDto {
  @ApiProperty({ description: 'one report per item, in the order of the request', type: [ValidationReportDto] })
  reports!: ValidationReportDto[];
}

const SUBJECT = { commonName: '福州通办示范科技有限公司', organizationName: '福州通办示范科技有限公司', uscc: '91350100MA2YTB8K4L' };
const ISSUER = { commonName: 'tongban Issuing CA 1', organizationName: 'tongban' };
const VALIDITY = {
  serial: '5da498ec030aeb2e8da83494a7941fac',
  notBefore: '2026-12-07T14:37:27.000Z',
  notAfter: '2027-12-07T14:38:27.000Z',
  profile: 'enterprise-licence',
};
const SIGNED = [
  { name: 'format', status: 'PASSED', message: '2 certificate(s) read' },
  { name: 'signature', status: 'PASSED', message: 'signed by tongban Issuing CA 1' },
  { name: 'chain', status: 'PASSED', message: 'issued by tongban Issuing CA 1, chaining to tongban Root CA' },
  { name: 'validity', status: 'PASSED', message: 'valid at 2026-12-07T14:38:27.879Z' },
] as const;

/** Reports as the service makes them (a licence certificate, the same one revoked, another CA's certificate, a PEM that is not one). */
export const REPORT_EXAMPLES = {
  passed: {
    summary: 'TOTAL_PASSED: a valid licence certificate',
    value: {
      indication: 'TOTAL_PASSED',
      checks: [...SIGNED, { name: 'revocation', status: 'PASSED', message: 'not revoked' }],
      subject: SUBJECT,
      issuer: ISSUER,
      certificate: VALIDITY,
      validationTime: '2026-12-07T14:38:27.879Z',
    },
  },
  revoked: {
    summary: 'TOTAL_FAILED / REVOKED: the same certificate, revoked',
    value: {
      indication: 'TOTAL_FAILED',
      subIndication: SubIndication.REVOKED,
      checks: [
        ...SIGNED,
        { name: 'revocation', status: 'FAILED', message: 'the certificate was revoked at 2026-12-07T14:38:27.892Z (keyCompromise)' },
      ],
      subject: SUBJECT,
      issuer: ISSUER,
      certificate: { ...VALIDITY, revokedAt: '2026-12-07T14:38:27.892Z', revocationReason: 'keyCompromise' },
      validationTime: '2026-12-07T14:38:27.918Z',
    },
  },
  foreign: {
    summary: 'INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND: another CA’s certificate',
    value: {
      indication: 'INDETERMINATE',
      subIndication: SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
      checks: [
        { name: 'format', status: 'PASSED', message: '1 certificate(s) read' },
        { name: 'signature', status: 'INDETERMINATE', message: 'no tongban issuer to check the signature against' },
        { name: 'chain', status: 'INDETERMINATE', message: 'no path from this certificate to a tongban root certificate' },
        { name: 'validity', status: 'PASSED', message: 'valid at 2026-12-07T14:38:27.964Z' },
        { name: 'revocation', status: 'INDETERMINATE', message: 'not checked: the certificate is not one tongban issued' },
      ],
      subject: { commonName: 'Elsewhere CA' },
      issuer: { commonName: 'Elsewhere CA' },
      certificate: {
        serial: '4ad2b51bedaa9cbe2f351a9417312a06270488c8',
        notBefore: '2026-12-07T14:38:27.000Z',
        notAfter: '2026-12-09T14:38:27.000Z',
      },
      validationTime: '2026-12-07T14:38:27.964Z',
    },
  },
  malformed: {
    summary: 'TOTAL_FAILED / FORMAT_FAILURE: not a certificate',
    value: {
      indication: 'TOTAL_FAILED',
      subIndication: SubIndication.FORMAT_FAILURE,
      checks: [
        { name: 'format', status: 'FAILED', message: 'malformed PEM: the PEM body is not base64' },
        ...(['signature', 'chain', 'validity', 'revocation'] as const).map((name) => ({
          name,
          status: 'INDETERMINATE' as const,
          message: 'not checked: the input could not be read',
        })),
      ],
      validationTime: '2026-12-07T14:38:27.968Z',
    },
  },
} satisfies Record<string, { summary: string; value: ValidationReport }>;
