import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { IssuanceLogRefDto } from '../audit/issuance/issuance-log-ref.dto.js';
import { unionValues } from '../common/openapi.js';
import { LocalisedTextDto } from '../licences/types/licence-types.dto.js';
import {
  INDICATION_OF,
  SubIndication,
  type CertificateSection,
  type Check,
  type CheckName,
  type CheckStatus,
  type Indication,
  type LicenceSection,
  type ReferenceSummary,
  type SealSection,
  type SignatureSection,
  type ValidationReport,
} from './report.js';

/**
 * The verification report (report.ts) as the OpenAPI document describes it: response classes
 * that implement its types, so the document cannot drift from what ReportBuilder makes. The
 * vocabulary is ETSI EN 319 102-1's; SubIndication is published as the enum it is.
 */

const INDICATIONS = unionValues<Indication>()('TOTAL_PASSED', 'TOTAL_FAILED', 'INDETERMINATE');
const CHECK_NAMES = unionValues<CheckName>()(
  'format',
  'signature',
  'seal',
  'chain',
  'revocation',
  'validity',
  'certList',
  'dataHash',
  'keyBinding',
  'timestamp',
);
const CHECK_STATUSES = unionValues<CheckStatus>()('PASSED', 'FAILED', 'INDETERMINATE');

const subIndicationsOf = (indication: Exclude<Indication, 'TOTAL_PASSED'>) =>
  Object.values(SubIndication)
    .filter((s) => INDICATION_OF[s] === indication)
    .join(', ');

@ApiSchema({ name: 'ReportCheck', description: 'One check of the item, in the order it was made' })
export class ReportCheckDto implements Check {
  @ApiProperty({
    description:
      'what was checked. A certificate: format, signature (its issuer’s), chain, validity, revocation. A seal or stamp: format; ' +
      'dataHash (every OFD reference and the stamp’s hash of its Signature.xml, or of the document given); signature (the signer’s over TBS_Sign); ' +
      'seal (the maker’s signature over the seal information, and the seal’s validity at the signing time); certList (the signer’s certificate is one the seal allows); ' +
      'chain, revocation (the seal’s, the signer’s and the maker’s certificates’) and validity (the certificates’), at the signing time. ' +
      'A licence: format; signature (the issuer’s, with the key of its x5c certificate); chain (that certificate to tongban’s root or an operator’s trust anchor); ' +
      'dataHash (every Disclosure’s digest is in the credential); keyBinding (a presentation’s key-binding JWT: the cnf key’s signature, sd_hash, aud, nonce, freshness; ' +
      'when there is one or audience or nonce was given); validity (iat, nbf, exp); revocation (its Token Status List)',
    enum: CHECK_NAMES,
    enumName: 'CheckName',
    example: 'revocation',
  })
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
    description:
      "organizationIdentifier (2.5.4.97): the enterprise's unified social credit code; a licence's holder: the enterprise's USCC",
    example: '91350100MA2YTB8K4L',
  })
  uscc?: string;

  @ApiPropertyOptional({ description: 'a licence’s holder: citizen or enterprise', enum: ['citizen', 'enterprise'], example: 'citizen' })
  kind?: string;

  @ApiPropertyOptional({
    description: 'a licence’s holder: the name (a citizen’s masked: 张*); its issuer, verified by identifier: the issuing authority’s name',
    example: '张*',
  })
  name?: string;

  @ApiPropertyOptional({ description: 'a licence’s holder who is a citizen: the ID number, masked', example: '350102********1234' })
  idNumberMasked?: string;

  @ApiPropertyOptional({ description: 'a licence’s issuer: the credential’s iss', example: 'https://id.example.gov.cn' })
  iss?: string;

  @ApiPropertyOptional({
    description: 'a licence’s issuer, verified by identifier: the issuing authority’s USCC (the issuer code in the identifier)',
    example: '11350100MB6660018U',
  })
  code?: string;
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

@ApiSchema({ name: 'ReportSeal', description: 'The seal a seal or stamp report is about' })
export class SealSectionDto implements SealSection {
  @ApiProperty({ description: 'the seal’s identifier (esID)', example: '35010000000001' })
  esID!: string;

  @ApiProperty({ description: 'the seal’s name: its holder’s registered name', example: '福州通办示范科技有限公司' })
  name!: string;

  @ApiProperty({
    description: 'seal type: 1 organisation (公章), 2 personal; others business-defined (3 invoice, 4 contract in practice)',
    example: 1,
  })
  type!: number;

  @ApiProperty({
    description: 'the structure: GB/T 38540-2020 (version 4) or the older GM/T 0031-2014',
    enum: ['GB/T 38540', 'GM/T 0031-2014'],
    example: 'GB/T 38540',
  })
  format!: 'GB/T 38540' | 'GM/T 0031-2014';

  @ApiProperty({ description: 'the vendor identifier in the seal’s header', example: 'tongban' })
  vendor!: string;

  @ApiProperty({ description: 'start of the seal’s validity', format: 'date-time', example: '2026-12-07T14:40:00.000Z' })
  validStart!: string;

  @ApiProperty({ description: 'end of the seal’s validity', format: 'date-time', example: '2027-12-07T16:00:00.000Z' })
  validEnd!: string;

  @ApiProperty({ description: 'who made it: names from the maker’s certificate', type: ReportNamesDto })
  maker!: ReportNamesDto;

  @ApiProperty({
    description: 'SHA-256 of the seal (DER), lowercase hex',
    example: '3f1d9c0e6a0b5e8f1e5cb0d46f0c7b0b0a9d6c1f6e2f9b8a7c6d5e4f3a2b1c0d',
  })
  sha256!: string;

  @ApiPropertyOptional({
    description: 'a seal tongban made: when it was revoked (possibly after the stamp was made)',
    format: 'date-time',
    example: '2026-12-07T15:00:00.000Z',
  })
  revokedAt?: string;

  @ApiPropertyOptional({ description: 'why', example: 'superseded' })
  revocationReason?: string;
}

@ApiSchema({ name: 'ReportReferences', description: 'An OFD signature’s references (GB/T 33190 §18.2): the files it protects' })
export class ReferenceSummaryDto implements ReferenceSummary {
  @ApiProperty({ description: 'how many files it references', example: 13 })
  total!: number;

  @ApiProperty({ description: 'how many of them are as they were signed', example: 13 })
  intact!: number;

  @ApiPropertyOptional({
    description: 'package paths of the files changed or missing since',
    type: [String],
    example: ['Doc_0/Pages/Page_0/Content.xml'],
  })
  failed?: string[];

  @ApiPropertyOptional({
    description:
      'the signatures added after this one, whose listing changed Signatures.xml (not a failure: as an incremental PDF signature)',
    type: [String],
    example: ['s003'],
  })
  signaturesListChangedBy?: string[];

  @ApiPropertyOptional({
    description: 'files of the package the signature does not protect (GB/T 33190 lets the signer choose)',
    type: [String],
    example: ['Doc_0/Attachs/note.txt'],
  })
  uncovered?: string[];
}

@ApiSchema({ name: 'ReportSignature', description: 'The signature a stamp report is about' })
export class SignatureSectionDto implements SignatureSection {
  @ApiPropertyOptional({ description: 'its ID in the OFD’s Signatures.xml', example: 's001' })
  id?: string;

  @ApiProperty({
    description:
      'Seal: an electronic seal’s stamp (SES_Signature); Sign: a GB/T 35275 digital signature, which is not an electronic seal (GB/T 33190 §18)',
    enum: ['Seal', 'Sign'],
    example: 'Seal',
  })
  type!: 'Seal' | 'Sign';

  @ApiPropertyOptional({ description: 'its Signature.xml in the OFD package', example: 'Doc_0/Signs/Sign_0/Signature.xml' })
  path?: string;

  @ApiPropertyOptional({ description: 'the signature algorithm', example: 'SM2 with SM3' })
  algorithm?: string;

  @ApiPropertyOptional({
    description: 'TBS_Sign.propertyInfo: what the signer said it signed',
    example: '/Doc_0/Signs/Sign_0/Signature.xml',
  })
  propertyInfo?: string;

  @ApiPropertyOptional({ description: 'OFD signatures: the files it protects', type: ReferenceSummaryDto })
  references?: ReferenceSummaryDto;
}

@ApiSchema({ name: 'ReportLicence', description: 'The licence a licence report is about' })
export class LicenceSectionDto implements LicenceSection {
  @ApiPropertyOptional({
    description: 'verified by identifier: the licence identifier (GB/T 36904)',
    example: '1.2.156.3005.2.11100000000013127D901.11350100MB6660018U.2.001.A',
  })
  id?: string;

  @ApiPropertyOptional({ description: 'the licence type in tongban’s catalogue, when vct names one', example: 'residence-permit' })
  type?: string;

  @ApiPropertyOptional({ description: 'the type’s name', type: LocalisedTextDto })
  typeName?: LocalisedTextDto;

  @ApiPropertyOptional({
    description: 'the credential’s vct: the type’s URI',
    example: 'https://id.example.gov.cn/licence-types/residence-permit',
  })
  vct?: string;

  @ApiPropertyOptional({ description: 'when it was issued (iat)', format: 'date-time', example: '2026-12-07T14:00:00.000Z' })
  issuedAt?: string;

  @ApiPropertyOptional({ description: 'start of validity (nbf, else iat)', format: 'date-time', example: '2026-12-07T14:00:00.000Z' })
  validFrom?: string;

  @ApiPropertyOptional({ description: 'end of validity (exp)', format: 'date-time', example: '2027-12-07T14:00:00.000Z' })
  validUntil?: string;

  @ApiPropertyOptional({
    description:
      'what its status list says (valid, suspended, revoked) when it could be read; verified by identifier, tongban’s register of licences now (expired past validUntil)',
    enum: ['valid', 'suspended', 'revoked', 'expired'],
    example: 'valid',
  })
  status?: 'valid' | 'suspended' | 'revoked' | 'expired';

  @ApiPropertyOptional({
    description: 'the credential’s status.status_list: the list’s URI and the licence’s index in it',
    type: 'object',
    properties: {
      idx: { type: 'integer', description: 'the index', example: 4711 },
      uri: { type: 'string', description: 'the list’s URI', example: 'https://id.example.gov.cn/api/v1/status-lists/1' },
    },
    example: { idx: 4711, uri: 'https://id.example.gov.cn/api/v1/status-lists/1' },
  })
  statusList?: { idx: number; uri: string };

  @ApiPropertyOptional({
    description:
      'the claims the holder disclosed (the clear ones, shown above, apart), only when format, signature, chain, data hash and key binding all PASSED; never when verified by identifier',
    type: 'object',
    additionalProperties: true,
    example: { name: '张三', residence_address: '福建省福州市鼓楼区五四路1号' },
  })
  disclosed?: Record<string, unknown>;
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

  @ApiPropertyOptional({
    description:
      'who the item is about (a certificate: its subject; a stamp: the signer’s certificate’s subject; a licence: its holder, a citizen’s name and ID number masked)',
    type: ReportNamesDto,
  })
  subject?: ReportNamesDto;

  @ApiPropertyOptional({
    description:
      'who vouches for it (a certificate or a stamp: the issuer of the (signer’s) certificate; a seal: its maker; a licence: its iss and signing certificate)',
    type: ReportNamesDto,
  })
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

  @ApiPropertyOptional({
    description: 'a stamp report: which signature (an OFD’s: its ID, path and references)',
    type: SignatureSectionDto,
  })
  signature?: SignatureSectionDto;

  @ApiPropertyOptional({ description: 'a seal or stamp report: the seal', type: SealSectionDto })
  seal?: SealSectionDto;

  @ApiPropertyOptional({
    description: 'a licence report: the licence’s type, validity, status and disclosed claims',
    type: LicenceSectionDto,
  })
  licence?: LicenceSectionDto;

  @ApiProperty({ description: 'the time the item was validated at', format: 'date-time', example: '2026-12-07T14:38:27.879Z' })
  validationTime!: string;

  @ApiPropertyOptional({
    description:
      'for a certificate, seal (or a stamp made with it) or licence tongban issued: its leaf in the public issuance log (issue 14 §3), so a portal or a monitor can check it was logged ' +
      '(GET /api/v1/transparency/issuance/proofs/inclusion); absent for items of others, and whatever the verdict',
    type: IssuanceLogRefDto,
  })
  transparency?: IssuanceLogRefDto;
}

@ApiSchema({ name: 'DocumentReports', description: 'A document’s answer: one report per signature it holds' })
export class DocumentVerificationDto {
  @ApiProperty({
    description:
      'one report per signature, in the order of its Signatures.xml; empty for an unsigned document; one FORMAT_FAILURE report for a package that cannot be read',
    type: [ValidationReportDto],
  })
  signatures!: ValidationReportDto[];
}

@ApiExtraModels(ValidationReportDto, DocumentVerificationDto)
@ApiSchema({ name: 'ValidationReports' })
export class ValidationReportsDto {
  @ApiProperty({
    description: 'one answer per item, in the order of the request: a report, or for a document item `{ signatures: [report, …] }`',
    type: 'array',
    items: { oneOf: [{ $ref: getSchemaPath(ValidationReportDto) }, { $ref: getSchemaPath(DocumentVerificationDto) }] },
  })
  reports!: Array<ValidationReportDto | DocumentVerificationDto>;
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
        {
          name: 'chain',
          status: 'INDETERMINATE',
          message: 'no path from this certificate to a tongban root certificate or an operator’s trust anchor',
        },
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
