import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { RESERVED_CLAIMS, type ClaimDisplay, type ClaimError } from './licence-type.js';

/** JSON Schema 2020-12, the dialect of licence types' claims schemas. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
/** A claims schema larger than this is not a licence's claims. */
export const MAX_SCHEMA_BYTES = 64 * 1024;

/**
 * A fresh validator for one schema: ajv caches schemas by `$id`, so two types' schemas with the
 * same `$id` must not share an instance. Strict: unknown keywords and unknown formats are errors
 * (a typo would otherwise silently check nothing); no remote `$ref` is ever fetched.
 */
function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
  addFormats.default(ajv);
  return ajv;
}

/** A problem with a claims schema, for people. */
export class ClaimsSchemaError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(message);
    this.name = 'ClaimsSchemaError';
  }
}

/**
 * Checks a licence type's claims schema and its claim labels before the type is stored, and
 * compiles it. A schema must be a JSON Schema 2020-12 of an object with properties (none of them a
 * claim the credential sets itself), compile in strict mode with no reference outside itself, and
 * every top-level property must have a label; every label's path must name a property.
 */
export function compileClaimsSchema(schema: unknown, display: ClaimDisplay[]): ValidateFunction {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw new ClaimsSchemaError('the claims schema must be a JSON object', ['claimsSchema: not an object']);
  if (Buffer.byteLength(JSON.stringify(schema)) > MAX_SCHEMA_BYTES)
    throw new ClaimsSchemaError(`the claims schema is larger than ${MAX_SCHEMA_BYTES / 1024} KiB`, ['claimsSchema: too large']);
  const root = schema as Record<string, unknown>;
  if (root.$schema !== undefined && root.$schema !== JSON_SCHEMA_DIALECT)
    throw new ClaimsSchemaError(`the claims schema must be JSON Schema 2020-12 ($schema absent or ${JSON_SCHEMA_DIALECT})`, [
      `$schema: ${JSON.stringify(root.$schema)} is not ${JSON_SCHEMA_DIALECT}`,
    ]);

  const ajv = newAjv();
  if (!ajv.validateSchema(schema)) {
    const problems = (ajv.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
    throw new ClaimsSchemaError(`the claims schema is not a valid JSON Schema: ${problems.slice(0, 3).join('; ')}`, problems);
  }
  if (root.type !== 'object' || typeof root.properties !== 'object' || root.properties === null)
    throw new ClaimsSchemaError('the claims schema must describe an object: "type": "object" with "properties"', [
      'type: must be "object", with properties',
    ]);
  const names = Object.keys(root.properties);
  if (!names.length) throw new ClaimsSchemaError('the claims schema has no properties: a licence says something', ['properties: empty']);
  const reserved = names.filter((name) => (RESERVED_CLAIMS as readonly string[]).includes(name));
  if (reserved.length)
    throw new ClaimsSchemaError(
      `claim name(s) ${reserved.join(', ')} are the credential's own (${RESERVED_CLAIMS.join(', ')}): give the claims other names`,
      reserved.map((name) => `properties.${name}: reserved`),
    );

  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    const message = (err as Error).message;
    throw new ClaimsSchemaError(`the claims schema does not compile: ${message}`, [message]);
  }

  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of display) {
    const key = JSON.stringify(entry.path);
    if (seen.has(key)) problems.push(`claimDisplay: path ${key} is labelled twice`);
    seen.add(key);
    if (!resolvePath(root, entry.path)) problems.push(`claimDisplay: path ${key} names no property of the claims schema`);
  }
  for (const name of names) if (!seen.has(JSON.stringify([name]))) problems.push(`claimDisplay: claim ${name} has no label`);
  if (problems.length) throw new ClaimsSchemaError(`the claim labels do not match the claims schema: ${problems.join('; ')}`, problems);
  return validate;
}

/** Whether a claim path (property names, null for any array element) leads somewhere in the schema. */
function resolvePath(schema: Record<string, unknown>, path: Array<string | null>): boolean {
  let at: unknown = schema;
  for (const segment of path) {
    if (typeof at !== 'object' || at === null) return false;
    const node = at as Record<string, unknown>;
    if (segment === null) at = node.items;
    else {
      const properties = node.properties;
      if (typeof properties !== 'object' || properties === null || !Object.hasOwn(properties, segment)) return false;
      at = (properties as Record<string, unknown>)[segment];
    }
  }
  return typeof at === 'object' && at !== null;
}

/**
 * ajv's errors in a stable, readable shape: `path` a JSON Pointer to the claim concerned (the
 * missing or unexpected property itself, not its parent), sorted by path then rule, without the
 * schema's internals.
 */
export function claimErrors(errors: ErrorObject[] | null | undefined): ClaimError[] {
  const out = new Map<string, ClaimError>();
  for (const error of errors ?? []) {
    const params = { ...(error.params as Record<string, unknown>) };
    const child =
      error.keyword === 'required' || error.keyword === 'dependentRequired'
        ? params.missingProperty
        : error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties'
          ? (params.additionalProperty ?? params.unevaluatedProperty)
          : undefined;
    const path = typeof child === 'string' ? `${error.instancePath}/${escapePointer(child)}` : error.instancePath;
    const entry: ClaimError = { path, keyword: error.keyword, message: error.message ?? error.keyword, params };
    out.set(JSON.stringify([entry.path, entry.keyword, entry.message]), entry);
  }
  return [...out.values()].sort((a, b) => (a.path === b.path ? a.keyword.localeCompare(b.keyword) : a.path < b.path ? -1 : 1));
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
