import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsString,
  Length,
  Matches,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

/**
 * The verification requests (design §9) and their limits. Binary items travel as standard base64
 * (RFC 4648 §4, padded, no line breaks); a request that is not of this shape is a 400, while
 * bytes that are well-formed base64 but not a seal, a stamp or an OFD get a 200 FORMAT_FAILURE report.
 */

/** A seal (SESeal DER): tongban's pictures are at most 256 KiB; other makers' seals are seldom larger. */
export const MAX_SEAL_BYTES = 512 * 1024;
/** A stamp (SES_Signature DER): the seal and a certificate or two. */
export const MAX_SIGNATURE_BYTES = 768 * 1024;
/** A document: an OFD, or the data a detached stamp signed. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

const base64Length = (bytes: number) => 4 * Math.ceil(bytes / 3);
const MiB = 1024 * 1024;

/**
 * Request bodies larger than the service's 1 MB JSON default, by route (set in src/app.ts): a
 * document of 10 MiB is about 13.4 MiB as base64; a batch carries at most this much in all.
 */
export const VERIFY_BODY_LIMITS: Readonly<Record<string, number>> = Object.freeze({
  '/api/v1/verify/signature': 15 * MiB,
  '/api/v1/verify/document': 15 * MiB,
  '/api/v1/verify/batch': 16 * MiB,
});

/**
 * Canonical padded base64 (RFC 4648 §4): what decodes and encodes back to the same text. Node's
 * decoder skips characters outside the alphabet, so anything else comes back different. About half
 * the CPU of a pattern over the text, which on a 36 KB seal was a tenth of a verification's.
 */
function isCanonicalBase64(value: string): boolean {
  return value.length % 4 === 0 && Buffer.from(value, 'base64').toString('base64') === value;
}

/** class-validator: standard padded base64 of 1 to `maxBytes` bytes (the message never quotes the value). */
function IsBase64Of(maxBytes: number, options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'isBase64Of',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && value.length > 0 && value.length <= base64Length(maxBytes) && isCanonicalBase64(value),
        defaultMessage: () => `$property must be standard base64 (RFC 4648 §4, padded, no line breaks) of 1 to ${maxBytes} bytes`,
      },
    });
  };
}

/** class-validator: the field goes with items of one kind only. */
function OnlyForKind(kind: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'onlyForKind',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => (args.object as { kind?: unknown }).kind === kind,
        defaultMessage: () => `$property goes with items of kind ${kind} only`,
      },
    });
  };
}

/** class-validator: at most one of the two fields (a stamp's document, or its digest). */
function NotWith(other: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'notWith',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => (args.object as Record<string, unknown>)[other] === undefined,
        defaultMessage: () => `give $property or ${other}, not both`,
      },
    });
  };
}

const PEM_EXAMPLE =
  '-----BEGIN CERTIFICATE-----\nMIICLzCCAdWgAwIBAgIQXaSY7AMK6y6NqDSUp5QfrDAKBggqhkjOPQQDAjA…\n-----END CERTIFICATE-----\n';
const PEM_TEXT =
  'the certificate, optionally followed by its intermediates (PEM, leaf first; at most 10 certificates of 32 kB each are read)';
const SEAL_EXAMPLE = 'MIJAmDCCP/YwFgwCRVMCAQQMB3RvbmdiYW4WDjM1MDEwMDAwMDAwMDAxMIIB…';
const SIGNATURE_EXAMPLE = 'MIJDPzCCQnUCAQQwgkAKMIJAmDCCP/YwFgwCRVMCAQQMB3RvbmdiYW4WDjM1MDEw…';
const DOCUMENT_EXAMPLE = 'UEsDBBQACAgIAAAAAAAAAAAAAAAAAAAAAAAHAAAAT0ZELnhtbK2R…';
const DIGEST_EXAMPLE = '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0';

const SEAL_TEXT = `the seal: a GB/T 38540 SESeal (or a GM/T 0031-2014 one), DER, base64 (at most ${MAX_SEAL_BYTES / 1024} KiB)`;
const SIGNATURE_TEXT = `the stamp: a GB/T 38540 SES_Signature (or a GM/T 0031-2014 one), DER, base64 (at most ${MAX_SIGNATURE_BYTES / 1024} KiB)`;
const STAMPED_TEXT =
  `what the stamp signed, base64 (at most ${MAX_DOCUMENT_BYTES / MiB} MiB): its TBS_Sign.dataHash must be its SM3 (SM2 stamps) or SHA-256 (ECDSA P-256 stamps). ` +
  'For a stamp taken out of an OFD this is its Signature.xml; to verify a stamped OFD send the OFD to /verify/document. Without document or digest the data hash is not checked (INDETERMINATE / SIGNED_DATA_NOT_FOUND)';
const DIGEST_TEXT = 'instead of the document: its SM3 or SHA-256 digest (as the stamp’s algorithm has it), 64 hex digits';
const DOCUMENT_TEXT = `the OFD document (GB/T 33190), base64 (at most ${MAX_DOCUMENT_BYTES / MiB} MiB): every signature in it is verified`;

@ApiSchema({ name: 'CertificateVerification' })
export class CertificateRequest {
  @ApiProperty({ description: PEM_TEXT, minLength: 1, maxLength: 65_536, example: PEM_EXAMPLE })
  @IsString()
  @Length(1, 65_536)
  pem!: string;
}

@ApiSchema({ name: 'SealVerification' })
export class SealRequest {
  @ApiProperty({ description: SEAL_TEXT, format: 'byte', minLength: 4, maxLength: base64Length(MAX_SEAL_BYTES), example: SEAL_EXAMPLE })
  @IsBase64Of(MAX_SEAL_BYTES)
  seal!: string;
}

@ApiSchema({ name: 'SignatureVerification' })
export class SignatureRequest {
  @ApiProperty({
    description: SIGNATURE_TEXT,
    format: 'byte',
    minLength: 4,
    maxLength: base64Length(MAX_SIGNATURE_BYTES),
    example: SIGNATURE_EXAMPLE,
  })
  @IsBase64Of(MAX_SIGNATURE_BYTES)
  signature!: string;

  @ApiPropertyOptional({
    description: STAMPED_TEXT,
    format: 'byte',
    minLength: 4,
    maxLength: base64Length(MAX_DOCUMENT_BYTES),
    example: DOCUMENT_EXAMPLE,
  })
  @ValidateIf((request: SignatureRequest) => request.document !== undefined)
  @IsBase64Of(MAX_DOCUMENT_BYTES)
  @NotWith('digest')
  document?: string;

  @ApiPropertyOptional({ description: DIGEST_TEXT, pattern: '^[0-9a-fA-F]{64}$', example: DIGEST_EXAMPLE })
  @ValidateIf((request: SignatureRequest) => request.digest !== undefined)
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'digest must be 64 hex digits (an SM3 or SHA-256 digest)' })
  digest?: string;
}

@ApiSchema({ name: 'DocumentVerification' })
export class DocumentRequest {
  @ApiProperty({
    description: DOCUMENT_TEXT,
    format: 'byte',
    minLength: 4,
    maxLength: base64Length(MAX_DOCUMENT_BYTES),
    example: DOCUMENT_EXAMPLE,
  })
  @IsBase64Of(MAX_DOCUMENT_BYTES)
  document!: string;
}

/** An SD-JWT VC or presentation: the issuer-signed JWT (its x5c chain of three certificates), the Disclosures and a KB-JWT. */
export const MAX_CREDENTIAL_CHARS = 256 * 1024;
/** Licence identifiers are at most 99 characters (GB/T 36904, a serial of up to 32): the shape only; the check character is the report's. */
const LICENCE_ID_SHAPE = /^[0-9A-Za-z.]{1,128}$/;

const CREDENTIAL_EXAMPLE =
  'eyJhbGciOiJFUzI1NiIsInR5cCI6ImRjK3NkLWp3dCIsImtpZCI6ImxpY2VuY2UtZXMyNTYtMSIsIng1YyI6WyJNSUlC…In1dfQ.eyJpc3MiOiJodHRwczovL2lkLmV4YW1wbGUuZ292LmNuIiwi…fQ.MEUCIQ…~WyJ2T2RfQ2h3Ym1nOHZ6bVN4eHNPN0F3IiwibmFtZSIsIuW8oOS4iSJd~';
const LICENCE_ID_EXAMPLE = '1.2.156.3005.2.11100000000013127D901.11350100MB6660018U.2.001.A';
const CREDENTIAL_TEXT =
  `the licence: an SD-JWT VC (\`<issuer-signed JWT>~<Disclosure>~…~\`) or a holder's presentation of one (some Disclosures, possibly a key-binding JWT after the last \`~\`), at most ${MAX_CREDENTIAL_CHARS / 1024} KiB of text. ` +
  'Text that is no SD-JWT gets a FORMAT_FAILURE report';
const LICENCE_ID_TEXT =
  'instead of a credential: the identifier of a licence tongban issued (GB/T 36904): its stored credential is verified and its status read now; no claims are disclosed';
const AUDIENCE_TEXT =
  'with a presentation: the audience its key-binding JWT must name (your identifier, as the holder’s wallet was told). Giving audience or nonce requires a key-binding JWT signed with the credential’s cnf key';
const NONCE_TEXT = 'with a presentation: the nonce you gave the holder for this transaction, which its key-binding JWT must carry';

/** class-validator: the field goes only with another one (a presentation's audience and nonce with its credential). */
function OnlyWith(other: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'onlyWith',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => (args.object as Record<string, unknown>)[other] !== undefined,
        defaultMessage: () => `$property goes with ${other} only`,
      },
    });
  };
}

const GIVE_ONE = 'give credential (an SD-JWT VC or a presentation) or id (a licence identifier)';

@ApiSchema({
  name: 'LicenceVerification',
  description:
    'An electronic licence to verify: `credential` (an SD-JWT VC or a presentation, with `audience` and `nonce` to check its key binding), or `id`.',
})
export class LicenceRequest {
  @ApiPropertyOptional({ description: CREDENTIAL_TEXT, minLength: 1, maxLength: MAX_CREDENTIAL_CHARS, example: CREDENTIAL_EXAMPLE })
  @ValidateIf((request: LicenceRequest) => request.credential !== undefined || request.id === undefined)
  @IsString({ message: GIVE_ONE })
  @Length(1, MAX_CREDENTIAL_CHARS)
  @NotWith('id')
  credential?: string;

  @ApiPropertyOptional({ description: LICENCE_ID_TEXT, pattern: LICENCE_ID_SHAPE.source, example: LICENCE_ID_EXAMPLE })
  @ValidateIf((request: LicenceRequest) => request.id !== undefined)
  @IsString()
  @Matches(LICENCE_ID_SHAPE, { message: 'id must be a licence identifier: digits, letters and dots' })
  id?: string;

  @ApiPropertyOptional({ description: AUDIENCE_TEXT, minLength: 1, maxLength: 2048, example: 'https://portal.example.gov.cn' })
  @ValidateIf((request: LicenceRequest) => request.audience !== undefined)
  @IsString()
  @Length(1, 2048)
  @OnlyWith('credential')
  audience?: string;

  @ApiPropertyOptional({ description: NONCE_TEXT, minLength: 1, maxLength: 1024, example: 'n-0S6_WzA2Mj' })
  @ValidateIf((request: LicenceRequest) => request.nonce !== undefined)
  @IsString()
  @Length(1, 1024)
  @OnlyWith('credential')
  nonce?: string;
}

export const ITEM_KINDS = ['certificate', 'seal', 'signature', 'document', 'licence'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

@ApiSchema({
  name: 'VerificationItem',
  description:
    'One item of a batch: `kind` and the fields of the single request of that kind — certificate: `pem`; seal: `seal`; ' +
    'signature: `signature` with `document` or `digest` (or neither); document: `document`; licence: `credential` (with `audience`, `nonce`) or `id`.',
})
export class BatchItem {
  @ApiProperty({ description: 'what the item is', enum: ITEM_KINDS, example: 'seal' })
  @IsIn(ITEM_KINDS)
  kind!: ItemKind;

  @ApiPropertyOptional({ description: `kind certificate: ${PEM_TEXT}`, minLength: 1, maxLength: 65_536, example: PEM_EXAMPLE })
  @ValidateIf((item: BatchItem) => item.kind === 'certificate' || item.pem !== undefined)
  @IsString()
  @Length(1, 65_536)
  @OnlyForKind('certificate')
  pem?: string;

  @ApiPropertyOptional({
    description: `kind seal: ${SEAL_TEXT}`,
    format: 'byte',
    maxLength: base64Length(MAX_SEAL_BYTES),
    example: SEAL_EXAMPLE,
  })
  @ValidateIf((item: BatchItem) => item.kind === 'seal' || item.seal !== undefined)
  @IsBase64Of(MAX_SEAL_BYTES)
  @OnlyForKind('seal')
  seal?: string;

  @ApiPropertyOptional({
    description: `kind signature: ${SIGNATURE_TEXT}`,
    format: 'byte',
    maxLength: base64Length(MAX_SIGNATURE_BYTES),
    example: SIGNATURE_EXAMPLE,
  })
  @ValidateIf((item: BatchItem) => item.kind === 'signature' || item.signature !== undefined)
  @IsBase64Of(MAX_SIGNATURE_BYTES)
  @OnlyForKind('signature')
  signature?: string;

  @ApiPropertyOptional({
    description: `kind document: ${DOCUMENT_TEXT}; kind signature: ${STAMPED_TEXT}`,
    format: 'byte',
    maxLength: base64Length(MAX_DOCUMENT_BYTES),
    example: DOCUMENT_EXAMPLE,
  })
  @ValidateIf((item: BatchItem) => item.kind === 'document' || item.document !== undefined)
  @IsBase64Of(MAX_DOCUMENT_BYTES)
  @KindIsOneOf(['document', 'signature'])
  @NotWith('digest')
  document?: string;

  @ApiPropertyOptional({ description: `kind signature: ${DIGEST_TEXT}`, pattern: '^[0-9a-fA-F]{64}$', example: DIGEST_EXAMPLE })
  @ValidateIf((item: BatchItem) => item.digest !== undefined)
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'digest must be 64 hex digits (an SM3 or SHA-256 digest)' })
  @OnlyForKind('signature')
  digest?: string;

  @ApiPropertyOptional({ description: `kind licence: ${CREDENTIAL_TEXT}`, maxLength: MAX_CREDENTIAL_CHARS, example: CREDENTIAL_EXAMPLE })
  @ValidateIf((item: BatchItem) => (item.kind === 'licence' && item.id === undefined) || item.credential !== undefined)
  @IsString({ message: `kind licence: ${GIVE_ONE}` })
  @Length(1, MAX_CREDENTIAL_CHARS)
  @OnlyForKind('licence')
  @NotWith('id')
  credential?: string;

  @ApiPropertyOptional({ description: `kind licence: ${LICENCE_ID_TEXT}`, pattern: LICENCE_ID_SHAPE.source, example: LICENCE_ID_EXAMPLE })
  @ValidateIf((item: BatchItem) => item.id !== undefined)
  @IsString()
  @Matches(LICENCE_ID_SHAPE, { message: 'id must be a licence identifier: digits, letters and dots' })
  @OnlyForKind('licence')
  id?: string;

  @ApiPropertyOptional({ description: `kind licence: ${AUDIENCE_TEXT}`, maxLength: 2048, example: 'https://portal.example.gov.cn' })
  @ValidateIf((item: BatchItem) => item.audience !== undefined)
  @IsString()
  @Length(1, 2048)
  @OnlyWith('credential')
  audience?: string;

  @ApiPropertyOptional({ description: `kind licence: ${NONCE_TEXT}`, maxLength: 1024, example: 'n-0S6_WzA2Mj' })
  @ValidateIf((item: BatchItem) => item.nonce !== undefined)
  @IsString()
  @Length(1, 1024)
  @OnlyWith('credential')
  nonce?: string;
}

/** class-validator: the field goes with items of these kinds only. */
function KindIsOneOf(kinds: readonly string[]): PropertyDecorator {
  return (target: object, propertyName: string | symbol): void => {
    registerDecorator({
      name: 'kindIsOneOf',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (_value: unknown, args: ValidationArguments) => kinds.includes(String((args.object as { kind?: unknown }).kind)),
        defaultMessage: () => `$property goes with items of kind ${kinds.join(' or ')} only`,
      },
    });
  };
}

@ApiSchema({ name: 'VerificationBatch' })
export class BatchRequest {
  @ApiProperty({
    description:
      'the items (1 to 100; the body at most 16 MiB in all), each counted against the rate limit — a document once, and once more for each signature in it beyond the first',
    type: [BatchItem],
    minItems: 1,
    maxItems: 100,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => BatchItem)
  items!: BatchItem[];
}
