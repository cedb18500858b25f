import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { DataSource } from 'typeorm';
import { LICENCE_ISSUE_SCOPE, ClientStore, type IssuingAuthority } from '../../clients/client-store.js';
import { ApiError } from '../../common/api-error.js';
import { createValidationPipe } from '../../common/validation.js';
import { InjectConfig } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { BUILTIN_LICENCE_TYPES } from './builtin-types.js';
import { ClaimsSchemaError, JSON_SCHEMA_DIALECT, claimErrors, compileClaimsSchema } from './claims-schema.js';
import { LicenceTypeDefinitionDto } from './licence-types.dto.js';
import type { ClaimDisplay, ClaimsCheck, LicenceType, LicenceTypeDefinition, LocalisedText } from './licence-type.js';

const CACHE_MS = 2000;

interface TypeRow {
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  description_zh: string | null;
  description_en: string | null;
  holder_kind: LicenceType['holderKind'];
  claims_schema: Record<string, unknown>;
  claim_display: ClaimDisplay[];
  validity_days: number;
  builtin: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = `id, code, name_zh, name_en, description_zh, description_en, holder_kind, claims_schema, claim_display,
  validity_days, builtin, created_at, updated_at`;

/** The languages of type metadata: the BCP 47 tag and the key of LocalisedText. */
const LANGUAGES: Array<[tag: string, key: keyof LocalisedText]> = [
  ['zh-CN', 'zh'],
  ['en', 'en'],
];

/**
 * The licence-type catalogue (GB/T 36902), in `licence_types`: the built-in types (created and
 * kept up to date at start) and those operators add. Types are never changed or removed once
 * added: licences name them. Rows are read again after two seconds at most, so a type added on
 * one replica is known on every other within that time; compiled claim validators are kept per
 * type version.
 */
@Injectable()
export class LicenceTypesService implements OnModuleInit {
  private readonly logger = new Logger('licence-types');
  private readonly rows = new Map<string, { at: number; row: TypeRow | undefined }>();
  private readonly validators = new Map<string, { version: string; validate: ValidateFunction }>();

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly clients: ClientStore,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      for (const definition of BUILTIN_LICENCE_TYPES) await this.ensureBuiltin(definition);
    } catch (err) {
      // A PostgreSQL schema not migrated yet (42P01, undefined_table): the CLI loads this module
      // before it checks for pending migrations, and must get to say `run tongban db migrate`.
      // The built-in types are written at the next start after the migration.
      if ((err as { code?: string }).code !== '42P01' && (err as { driverError?: { code?: string } }).driverError?.code !== '42P01')
        throw err;
      this.logger.warn('the licence_types table does not exist yet: built-in licence types not written (run tongban db migrate)');
    }
  }

  /** A type's URI, the `vct` of its credentials, where its type metadata is served. */
  vctOf(id: string): string {
    return `${this.config.publicUrl}/licence-types/${id}`;
  }

  async list(): Promise<LicenceType[]> {
    const rows: TypeRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM licence_types ORDER BY id`);
    const authorities = await this.clients.issuingAuthorities();
    return rows.map((row) => this.toType(row, authorities));
  }

  /** A type, or 404 licence_type_not_found. */
  async get(id: string): Promise<LicenceType> {
    const type = await this.find(id);
    if (!type) throw notFound(id);
    return type;
  }

  /** A type, or null. */
  async find(id: string): Promise<LicenceType | null> {
    const row = await this.row(id);
    return row ? this.toType(row, await this.clients.issuingAuthorities(id)) : null;
  }

  /**
   * Adds a type to the catalogue: 400 invalid_licence_type (a field of the definition) or
   * invalid_claims_schema (the schema or its labels), 409 licence_type_exists or
   * licence_type_code_exists. One row, written whole or not at all.
   */
  async add(definition: unknown, by = 'cli'): Promise<LicenceType> {
    const checked = await checkDefinition(definition);
    try {
      compileClaimsSchema(checked.claimsSchema, checked.claimDisplay);
    } catch (err) {
      if (err instanceof ClaimsSchemaError) throw new ApiError(400, 'invalid_claims_schema', err.message, err.problems);
      throw err;
    }
    const inserted = await this.insert(checked, { builtin: false, by });
    if (!inserted) {
      const taken: Array<{ id: string; code: string }> = await this.dataSource.query(
        `SELECT id, code FROM licence_types WHERE id = $1 OR code = $2`,
        [checked.id, checked.code],
      );
      if (taken.some((row) => row.id === checked.id))
        throw new ApiError(409, 'licence_type_exists', `a licence type ${checked.id} is already in the catalogue`);
      const other = taken[0]?.id ?? 'another type';
      throw new ApiError(409, 'licence_type_code_exists', `the type code ${checked.code} is already ${other}'s`);
    }
    this.rows.delete(checked.id);
    return this.get(checked.id);
  }

  /**
   * Whether claims match a type's schema: `{ ok: true }`, or `{ ok: false, errors }` with each
   * problem's claim (a JSON Pointer), rule and message, sorted. 404 for an unknown type.
   */
  async validateClaims(typeId: string, claims: unknown): Promise<ClaimsCheck> {
    const row = await this.row(typeId);
    if (!row) throw notFound(typeId);
    const validate = this.validatorFor(row);
    if (validate(claims)) return { ok: true };
    return { ok: false, errors: claimErrors(validate.errors) };
  }

  /**
   * Whether a client may issue licences of a type: it has the scope licence:issue, an issuer code,
   * and the type among its licence types, and the type exists.
   */
  async mayIssue(clientId: string, typeId: string): Promise<boolean> {
    const issuer = await this.clients.licenceIssuer(clientId);
    if (!issuer || !issuer.scope.includes(LICENCE_ISSUE_SCOPE) || !issuer.licenceTypes.includes(typeId)) return false;
    return (await this.row(typeId)) !== undefined;
  }

  /**
   * The SD-JWT VC Type Metadata of a type (draft-ietf-oauth-sd-jwt-vc §6), served at its vct URI:
   * names and claim labels in zh-CN and en (`lang`, and `locale` as later drafts call it), every
   * claim selectively disclosable (`sd: always`), the required ones `mandatory`, and `schema` the
   * JSON Schema of a credential after its disclosures are processed: the type's claims and the
   * credential's own (iss, vct, iat, …).
   */
  typeMetadata(type: LicenceType): Record<string, unknown> {
    const required = new Set(Array.isArray(type.claimsSchema.required) ? (type.claimsSchema.required as string[]) : []);
    return {
      vct: type.vct,
      name: `${type.name.zh} (${type.name.en})`,
      ...(type.description ? { description: type.description.en } : {}),
      display: LANGUAGES.map(([tag, key]) => ({
        lang: tag,
        locale: tag,
        name: type.name[key],
        ...(type.description ? { description: type.description[key] } : {}),
      })),
      claims: type.claimDisplay.map((claim) => ({
        path: claim.path,
        display: LANGUAGES.map(([tag, key]) => ({
          lang: tag,
          locale: tag,
          label: claim.label[key],
          ...(claim.description ? { description: claim.description[key] } : {}),
        })),
        sd: 'always',
        ...(claim.path.length === 1 && typeof claim.path[0] === 'string' && required.has(claim.path[0]) ? { mandatory: true } : {}),
      })),
      schema: credentialSchema(type),
    };
  }

  private toType(row: TypeRow, authorities: IssuingAuthority[]): LicenceType {
    return {
      id: row.id,
      code: row.code,
      vct: this.vctOf(row.id),
      name: { zh: row.name_zh, en: row.name_en },
      ...(row.description_zh !== null && row.description_en !== null
        ? { description: { zh: row.description_zh, en: row.description_en } }
        : {}),
      holderKind: row.holder_kind,
      validityDays: row.validity_days,
      claimsSchema: row.claims_schema,
      claimDisplay: row.claim_display,
      builtin: row.builtin,
      issuers: authorities
        .filter((a) => a.licenceTypes.includes(row.id))
        .map(({ clientId, name, nameEn, issuerCode }) => ({ clientId, name, nameEn, issuerCode })),
      createdAt: new Date(row.created_at).toISOString(),
    };
  }

  private async row(id: string): Promise<TypeRow | undefined> {
    const cached = this.rows.get(id);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.row;
    const rows: TypeRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM licence_types WHERE id = $1`, [id]);
    if (this.rows.size > 1000) this.rows.clear();
    this.rows.set(id, { at: Date.now(), row: rows[0] });
    return rows[0];
  }

  /** The type's compiled claims schema; compiled again only when the stored type changed (a built-in's new version). */
  private validatorFor(row: TypeRow): ValidateFunction {
    const version = new Date(row.updated_at).toISOString();
    const kept = this.validators.get(row.id);
    if (kept?.version === version) return kept.validate;
    const validate = compileClaimsSchema(row.claims_schema, row.claim_display);
    this.validators.set(row.id, { version, validate });
    return validate;
  }

  private async insert(definition: LicenceTypeDefinition, { builtin, by }: { builtin: boolean; by: string }): Promise<boolean> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO licence_types (id, code, name_zh, name_en, description_zh, description_en, holder_kind, claims_schema,
         claim_display, validity_days, builtin, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        definition.id,
        definition.code,
        definition.name.zh,
        definition.name.en,
        definition.description?.zh ?? null,
        definition.description?.en ?? null,
        definition.holderKind,
        JSON.stringify(definition.claimsSchema),
        JSON.stringify(definition.claimDisplay),
        definition.validityDays,
        builtin,
        by,
      ],
    );
    return rows.length === 1;
  }

  /**
   * Creates a built-in type, or brings it up to this version's definition (never its code: licence
   * identifiers carry it). Safe when several replicas start at once. A type an operator added under
   * a built-in's id or code is left alone, with a warning.
   */
  private async ensureBuiltin(definition: LicenceTypeDefinition): Promise<void> {
    compileClaimsSchema(definition.claimsSchema, definition.claimDisplay);
    if (await this.insert(definition, { builtin: true, by: 'tongban' })) return;
    const updated: Array<{ id: string }> = await this.dataSource.query(
      `UPDATE licence_types SET name_zh = $3, name_en = $4, description_zh = $5, description_en = $6, holder_kind = $7,
         claims_schema = $8::jsonb, claim_display = $9::jsonb, validity_days = $10, updated_at = now()
       WHERE id = $1 AND code = $2 AND builtin
         AND (name_zh, name_en, description_zh, description_en, holder_kind, claims_schema, claim_display, validity_days)
           IS DISTINCT FROM ($3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10)
       RETURNING id`,
      [
        definition.id,
        definition.code,
        definition.name.zh,
        definition.name.en,
        definition.description?.zh ?? null,
        definition.description?.en ?? null,
        definition.holderKind,
        JSON.stringify(definition.claimsSchema),
        JSON.stringify(definition.claimDisplay),
        definition.validityDays,
      ],
    );
    if (updated.length) {
      this.logger.log(`updated the built-in licence type ${definition.id}`);
      return;
    }
    const clash: Array<{ id: string; code: string; builtin: boolean }> = await this.dataSource.query(
      `SELECT id, code, builtin FROM licence_types WHERE (id = $1 OR code = $2) AND NOT (id = $1 AND code = $2 AND builtin)`,
      [definition.id, definition.code],
    );
    for (const row of clash)
      this.logger.warn(
        `the built-in licence type ${definition.id} (${definition.code}) is not installed: ${row.id} (${row.code}) is in the catalogue already`,
      );
  }
}

function notFound(id: string): ApiError {
  return new ApiError(404, 'licence_type_not_found', `no licence type ${id}`);
}

const definitionPipe = createValidationPipe();

/** The definition's fields checked (unknown fields refused), as 400 invalid_licence_type naming each problem. */
async function checkDefinition(definition: unknown): Promise<LicenceTypeDefinition> {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition))
    throw new ApiError(400, 'invalid_licence_type', 'a licence type definition is a JSON object');
  let checked: LicenceTypeDefinitionDto;
  try {
    checked = (await definitionPipe.transform(definition, {
      type: 'body',
      metatype: LicenceTypeDefinitionDto,
    })) as LicenceTypeDefinitionDto;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const details = (err.getResponse() as { details?: Array<{ field: string; problems: string[] }> }).details ?? [];
    const summary = details.flatMap((d) => d.problems).join('; ');
    throw new ApiError(400, 'invalid_licence_type', `the licence type definition is not valid: ${summary}`, details);
  }
  const problems = checked.claimDisplay.flatMap((entry, i) =>
    entry.path.every((segment) => segment === null || (typeof segment === 'string' && segment.length >= 1 && segment.length <= 100))
      ? []
      : [{ field: `claimDisplay.${i}.path`, problems: ['path must be property names (1-100 characters) or null'] }],
  );
  if (problems.length)
    throw new ApiError(400, 'invalid_licence_type', `the licence type definition is not valid: ${problems[0].problems[0]}`, problems);
  // Plain JSON from here on (the DTO instances were only for checking).
  return JSON.parse(JSON.stringify(checked)) as LicenceTypeDefinition;
}

/**
 * The JSON Schema of a credential of the type once its disclosures are processed (what type
 * metadata's `schema` describes): the claims schema, with the credential's own claims declared
 * beside the type's (so `additionalProperties: false` still holds) and iss and vct required.
 */
function credentialSchema(type: LicenceType): Record<string, unknown> {
  const claims = type.claimsSchema;
  const required = Array.isArray(claims.required) ? (claims.required as string[]) : [];
  return {
    ...claims,
    $schema: JSON_SCHEMA_DIALECT,
    properties: {
      ...(claims.properties as Record<string, unknown>),
      iss: { type: 'string' },
      sub: { type: 'string' },
      iat: { type: 'number' },
      nbf: { type: 'number' },
      exp: { type: 'number' },
      vct: { const: type.vct },
      'vct#integrity': { type: 'string' },
      cnf: { type: 'object' },
      status: { type: 'object' },
    },
    required: [...new Set([...required, 'iss', 'vct'])],
  };
}
