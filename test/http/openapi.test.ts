import { startTestApp, type TestApp } from '../support/app.js';

/**
 * The OpenAPI document at /api/docs/openapi.json is what client generators read: it must be valid
 * OpenAPI 3 (every $ref resolves, schemas are well-formed) and complete for every /api/v1
 * operation (summary, operationId, parameters, request body, success and error answers with
 * examples, security). Each check names the operation and what it lacks.
 */

type Node = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const PATH_ITEM_KEYS = new Set<string>([...METHODS, 'summary', 'description', 'servers', 'parameters', '$ref']);
const SCHEMA_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object']);
const WITH_BODY = new Set(['post', 'put', 'patch']);

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);
const node = (value: unknown): Node => (isNode(value) ? value : {});
const text = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

/** A local JSON pointer (`#/components/schemas/X`) into the document, or undefined. */
function pointer(doc: Node, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isNode(at) || !(key in at)) return undefined;
    at = at[key];
  }
  return at;
}

/** Follows `$ref`s to the object they name (undefined when one does not resolve). */
function deref(doc: Node, value: unknown, seen = new Set<string>()): Node | undefined {
  if (!isNode(value)) return undefined;
  if (typeof value.$ref !== 'string') return value;
  if (seen.has(value.$ref)) return undefined;
  seen.add(value.$ref);
  return deref(doc, pointer(doc, value.$ref), seen);
}

/** Every `$ref` in the document, with where it is. */
function refs(value: unknown, at = '#'): Array<[string, string]> {
  if (Array.isArray(value)) return value.flatMap((item, i) => refs(item, `${at}/${i}`));
  if (!isNode(value)) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' ? [[at, child] as [string, string]] : refs(child, `${at}/${key}`),
  );
}

/** Whether a schema says what it is (a type, a composition, or a reference). */
const typed = (schema: Node | undefined): boolean =>
  !!schema &&
  (typeof schema.type === 'string' ||
    Array.isArray(schema.allOf) ||
    Array.isArray(schema.oneOf) ||
    Array.isArray(schema.anyOf) ||
    Array.isArray(schema.enum));

/** Whether a body schema describes its content: an object its properties, an array its items. */
function described(doc: Node, schema: Node | undefined, seen = new Set<Node>()): boolean {
  if (!schema || seen.has(schema)) return !!schema;
  seen.add(schema);
  if (schema.type === 'array') return described(doc, deref(doc, schema.items), seen);
  if (schema.type === 'object' || (schema.type === undefined && schema.properties)) {
    return (
      (isNode(schema.properties) && Object.keys(schema.properties).length > 0) ||
      isNode(schema.additionalProperties) ||
      Array.isArray(schema.allOf)
    );
  }
  return typed(schema);
}

// ---- structural validity (OpenAPI 3.0) ----

function schemaProblems(doc: Node, schema: unknown, where: string, seen: Set<unknown>): string[] {
  if (!isNode(schema)) return [`${where}: a schema must be an object`];
  if (typeof schema.$ref === 'string') return [];
  if (seen.has(schema)) return [];
  seen.add(schema);
  const problems: string[] = [];
  if (schema.type !== undefined && !SCHEMA_TYPES.has(schema.type as string))
    problems.push(`${where}: type ${JSON.stringify(schema.type)} is not an OpenAPI 3.0 type`);
  if (schema.type === 'array' && schema.items === undefined) problems.push(`${where}: an array without items`);
  if (schema.items !== undefined) problems.push(...schemaProblems(doc, schema.items, `${where}.items`, seen));
  if (schema.enum !== undefined && (!Array.isArray(schema.enum) || !schema.enum.length))
    problems.push(`${where}: enum must be a non-empty array`);
  if (schema.required !== undefined) {
    if (!Array.isArray(schema.required) || schema.required.some((r) => typeof r !== 'string'))
      problems.push(`${where}: required must be a list of names`);
    else
      for (const name of schema.required)
        if (isNode(schema.properties) && !(name in schema.properties)) problems.push(`${where}: required ${name} is not a property`);
  }
  if (schema.properties !== undefined) {
    if (!isNode(schema.properties)) problems.push(`${where}: properties must be an object`);
    else
      for (const [name, property] of Object.entries(schema.properties))
        problems.push(...schemaProblems(doc, property, `${where}.${name}`, seen));
  }
  if (isNode(schema.additionalProperties)) problems.push(...schemaProblems(doc, schema.additionalProperties, `${where}[*]`, seen));
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    if (schema[key] === undefined) continue;
    if (!Array.isArray(schema[key]) || !(schema[key] as unknown[]).length) problems.push(`${where}: ${key} must be a non-empty array`);
    else (schema[key] as unknown[]).forEach((part, i) => problems.push(...schemaProblems(doc, part, `${where}.${key}[${i}]`, seen)));
  }
  if (schema.nullable !== undefined && typeof schema.nullable !== 'boolean') problems.push(`${where}: nullable must be a boolean`);
  return problems;
}

function contentProblems(doc: Node, content: unknown, where: string, seen: Set<unknown>): string[] {
  if (!isNode(content) || !Object.keys(content).length) return [`${where}: content must map media types`];
  return Object.entries(content).flatMap(([type, media]) => {
    if (!isNode(media)) return [`${where}.${type}: not a media type object`];
    const problems = media.schema === undefined ? [] : schemaProblems(doc, media.schema, `${where}.${type}.schema`, seen);
    if (media.examples !== undefined) {
      if (!isNode(media.examples)) problems.push(`${where}.${type}: examples must be a map`);
      else
        for (const [name, example] of Object.entries(media.examples))
          if (!isNode(example) || !('value' in example || '$ref' in example)) problems.push(`${where}.${type}.examples.${name}: no value`);
    }
    return problems;
  });
}

/** What makes the document invalid OpenAPI 3.0, as far as a client generator would trip on it. */
function structuralProblems(doc: Node): string[] {
  const problems: string[] = [];
  const seen = new Set<unknown>();
  if (typeof doc.openapi !== 'string' || !/^3\.0\.\d+$/.test(doc.openapi)) problems.push(`openapi: ${String(doc.openapi)} is not 3.0.x`);
  if (!text(node(doc.info).title) || !text(node(doc.info).version)) problems.push('info: title and version are required');
  if (!isNode(doc.paths)) problems.push('paths: required');
  for (const [at, ref] of refs(doc)) if (pointer(doc, ref) === undefined) problems.push(`${at}: $ref ${ref} does not resolve`);

  const components = node(doc.components);
  for (const [name, schema] of Object.entries(node(components.schemas))) {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name === 'undefined' || name === 'Object')
      problems.push(`components.schemas.${name}: not a usable schema name`);
    problems.push(...schemaProblems(doc, schema, `components.schemas.${name}`, seen));
  }
  const schemes = node(components.securitySchemes);
  for (const [name, scheme] of Object.entries(schemes).map(([n, s]) => [n, node(s)] as const)) {
    if (!['apiKey', 'http', 'oauth2', 'openIdConnect'].includes(scheme.type as string))
      problems.push(`securitySchemes.${name}: unknown type ${String(scheme.type)}`);
    if (scheme.type === 'http' && !text(scheme.scheme)) problems.push(`securitySchemes.${name}: an http scheme names its scheme`);
    if (scheme.type === 'oauth2') {
      const flows = node(scheme.flows);
      if (!Object.keys(flows).length) problems.push(`securitySchemes.${name}: oauth2 without flows`);
      for (const [flow, spec] of Object.entries(flows).map(([f, s]) => [f, node(s)] as const)) {
        if (!isNode(spec.scopes)) problems.push(`securitySchemes.${name}.${flow}: scopes required`);
        if (['clientCredentials', 'password', 'authorizationCode'].includes(flow) && !text(spec.tokenUrl))
          problems.push(`securitySchemes.${name}.${flow}: tokenUrl required`);
        if (['implicit', 'authorizationCode'].includes(flow) && !text(spec.authorizationUrl))
          problems.push(`securitySchemes.${name}.${flow}: authorizationUrl required`);
      }
    }
  }
  const declaredScopes = (name: string) =>
    new Set(Object.values(node(node(schemes[name]).flows)).flatMap((flow) => Object.keys(node(node(flow).scopes))));

  const operationIds = new Map<string, string>();
  for (const [path, item] of Object.entries(node(doc.paths))) {
    if (!path.startsWith('/')) problems.push(`${path}: a path starts with /`);
    if (!isNode(item)) {
      problems.push(`${path}: not a path item`);
      continue;
    }
    for (const key of Object.keys(item))
      if (!PATH_ITEM_KEYS.has(key) && !key.startsWith('x-')) problems.push(`${path}: unknown key ${key}`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of METHODS) {
      if (item[method] === undefined) continue;
      const op = node(item[method]);
      const name = `${method.toUpperCase()} ${path}`;
      if (typeof op.operationId === 'string') {
        if (operationIds.has(op.operationId))
          problems.push(`${name}: operationId ${op.operationId} is also ${operationIds.get(op.operationId)}'s`);
        operationIds.set(op.operationId, name);
      }
      const parameters = [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(op.parameters) ? op.parameters : []),
      ].map((p) => deref(doc, p) ?? {});
      const keys = new Set<string>();
      for (const p of parameters) {
        if (!text(p.name) || !['path', 'query', 'header', 'cookie'].includes(p.in as string))
          problems.push(`${name}: a parameter needs a name and in`);
        if (keys.has(`${String(p.in)}:${String(p.name)}`)) problems.push(`${name}: parameter ${String(p.name)} twice`);
        keys.add(`${String(p.in)}:${String(p.name)}`);
        if (p.in === 'path' && p.required !== true) problems.push(`${name}: path parameter ${String(p.name)} must be required`);
        if (p.schema === undefined && p.content === undefined)
          problems.push(`${name}: parameter ${String(p.name)} has neither schema nor content`);
        if (p.schema !== undefined) problems.push(...schemaProblems(doc, p.schema, `${name} parameter ${String(p.name)}`, seen));
      }
      const inPath = parameters.filter((p) => p.in === 'path').map((p) => p.name as string);
      if ([...templated].sort().join() !== [...inPath].sort().join())
        problems.push(`${name}: path parameters [${inPath.join()}] do not match the template [${templated.join()}]`);
      if (op.requestBody !== undefined)
        problems.push(...contentProblems(doc, node(deref(doc, op.requestBody)).content, `${name} requestBody`, seen));
      const responses = node(op.responses);
      if (!Object.keys(responses).length) problems.push(`${name}: no responses`);
      for (const [status, raw] of Object.entries(responses)) {
        if (status !== 'default' && !/^[1-5](\d\d|XX)$/.test(status)) problems.push(`${name}: response key ${status} is not a status`);
        const response = deref(doc, raw);
        if (!response || typeof response.description !== 'string') problems.push(`${name} ${status}: a response needs a description`);
        if (response?.content !== undefined) problems.push(...contentProblems(doc, response.content, `${name} ${status}`, seen));
      }
      for (const requirement of Array.isArray(op.security) ? op.security : []) {
        for (const [scheme, scopes] of Object.entries(node(requirement))) {
          if (!(scheme in schemes)) {
            problems.push(`${name}: security scheme ${scheme} is not defined`);
            continue;
          }
          const type = node(schemes[scheme]).type;
          if (!Array.isArray(scopes)) {
            problems.push(`${name}: security ${scheme} needs a list`);
          } else if (type === 'oauth2') {
            for (const scope of scopes)
              if (!declaredScopes(scheme).has(scope)) problems.push(`${name}: scope ${scope} is not one of ${scheme}'s`);
          } else if (type !== 'openIdConnect' && scopes.length) {
            problems.push(`${name}: an ${String(type)} scheme takes no scopes in OpenAPI 3.0`);
          }
        }
      }
    }
  }
  return problems;
}

// ---- completeness of /api/v1 ----

interface Operation {
  path: string;
  method: (typeof METHODS)[number];
  op: Node;
  name: string;
}

function apiOperations(doc: Node): Operation[] {
  return Object.entries(node(doc.paths))
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, item]) =>
      METHODS.filter((method) => isNode(node(item)[method])).map((method) => ({
        path,
        method,
        op: node(node(item)[method]),
        name: `${method.toUpperCase()} ${path}`,
      })),
    );
}

/** Every property of a schema (and of the schemas it holds) has a type, a description and, for request bodies, an example. */
function fieldProblems(doc: Node, schema: unknown, where: string, needExample: boolean, seen = new Set<Node>()): string[] {
  const resolved = deref(doc, schema);
  if (!resolved || seen.has(resolved)) return [];
  seen.add(resolved);
  const problems: string[] = [];
  for (const part of [...((resolved.allOf as unknown[]) ?? []), ...((resolved.oneOf as unknown[]) ?? [])])
    problems.push(...fieldProblems(doc, part, where, needExample, seen));
  if (resolved.items) problems.push(...fieldProblems(doc, resolved.items, `${where}[]`, needExample, seen));
  for (const [field, raw] of Object.entries(node(resolved.properties))) {
    const property = node(raw);
    // A property that is another schema: `$ref`, or `allOf: [$ref]` with its own description.
    const one = Array.isArray(property.allOf) && property.allOf.length === 1 ? property.allOf[0] : property;
    const target = deref(doc, one) ?? {};
    const at = `${where}.${field}`;
    if (!typed(property) && !typed(target) && !property.$ref) problems.push(`${at}: no type`);
    if (!text(property.description) && !text(target.description)) problems.push(`${at}: no description`);
    if (
      needExample &&
      property.example === undefined &&
      target.example === undefined &&
      !(target.type === 'object' || (target.type === 'array' && deref(doc, target.items)?.type === 'object'))
    ) {
      problems.push(`${at}: no example`);
    }
    problems.push(...fieldProblems(doc, property, at, needExample, seen));
  }
  return problems;
}

const hasExample = (doc: Node, media: Node): boolean =>
  media.example !== undefined ||
  (isNode(media.examples) && Object.keys(media.examples).length > 0) ||
  deref(doc, media.schema)?.example !== undefined;

/** The error examples of a response: the codes, or problems when it is not the error body. */
function errorResponse(doc: Node, response: Node | undefined, where: string): { codes: string[]; problems: string[] } {
  const media = node(node(response?.content)['application/json']);
  const schema = deref(doc, media.schema);
  const problems: string[] = [];
  const properties = node(schema?.properties);
  if (!schema || !('error' in properties) || !('message' in properties) || !(schema.required as string[] | undefined)?.includes('error')) {
    problems.push(`${where}: content is not the error body schema`);
  }
  const examples = Object.values(node(media.examples)).map((e) => node(node(e).value));
  if (!examples.length) problems.push(`${where}: no example error body`);
  for (const example of examples)
    if (!text(example.error) || !text(example.message)) problems.push(`${where}: an example is not { error, message }`);
  return { codes: examples.map((e) => e.error as string), problems };
}

function operationProblems(doc: Node, { method, op, name }: Operation): string[] {
  const problems: string[] = [];
  const tags = new Set(((doc.tags as Node[] | undefined) ?? []).map((t) => t.name));
  if (!text(op.summary)) problems.push(`${name}: no summary`);
  if (!text(op.description)) problems.push(`${name}: no description`);
  if (typeof op.operationId !== 'string' || !/^[a-z][A-Za-z0-9]*$/.test(op.operationId))
    problems.push(`${name}: operationId ${String(op.operationId)} is not a camelCase method name`);
  if (!Array.isArray(op.tags) || !op.tags.length) problems.push(`${name}: no tags`);
  else for (const tag of op.tags) if (!tags.has(tag)) problems.push(`${name}: tag ${String(tag)} is not described in the document's tags`);

  for (const p of ((op.parameters as unknown[]) ?? []).map((raw) => deref(doc, raw) ?? {})) {
    if (p.in !== 'path' && p.in !== 'query') continue;
    const schema = deref(doc, p.schema);
    const label = `${name} ${String(p.in)} parameter ${String(p.name)}`;
    if (!typed(schema)) problems.push(`${label}: no schema type`);
    if (!text(p.description) && !text(schema?.description)) problems.push(`${label}: no description`);
    if (p.example === undefined && !(isNode(p.examples) && Object.keys(p.examples).length) && schema?.example === undefined)
      problems.push(`${label}: no example`);
  }

  if (WITH_BODY.has(method)) {
    const media = node(node(node(deref(doc, op.requestBody)).content)['application/json']);
    const schema = deref(doc, media.schema);
    if (!described(doc, schema)) problems.push(`${name}: no JSON request body schema (with its properties)`);
    else {
      const perField = fieldProblems(doc, media.schema, `${name} body`, true);
      if (!hasExample(doc, media) && perField.some((p) => p.endsWith('no example'))) problems.push(`${name}: no request body example`);
      problems.push(...perField);
    }
  }

  const responses = Object.entries(node(op.responses)).map(([status, raw]) => [status, deref(doc, raw)] as const);
  const successes = responses.filter(([status]) => /^2\d\d$/.test(status));
  if (!successes.length) problems.push(`${name}: no 2xx response`);
  for (const [status, response] of successes) {
    if (status === '204') continue;
    const media = node(node(response?.content)['application/json']);
    const schema = deref(doc, media.schema);
    if (!described(doc, schema)) problems.push(`${name} ${status}: no typed response schema (with its properties)`);
    if (!hasExample(doc, media)) problems.push(`${name} ${status}: no example`);
    problems.push(...fieldProblems(doc, media.schema, `${name} ${status}`, false));
  }
  const errors = responses.filter(([status]) => /^[45]\d\d$/.test(status));
  if (!errors.some(([status]) => status.startsWith('4'))) problems.push(`${name}: no 4xx response`);
  const codes = new Map<string, string[]>();
  for (const [status, response] of errors) {
    const found = errorResponse(doc, response, `${name} ${status}`);
    problems.push(...found.problems);
    codes.set(status, found.codes);
  }

  const security = (op.security ?? doc.security ?? []) as Node[];
  if (security.length) {
    if (!codes.get('401')?.includes('invalid_token')) problems.push(`${name}: behind auth but no 401 invalid_token`);
    if (!codes.get('403')?.includes('insufficient_scope')) problems.push(`${name}: behind auth but no 403 insufficient_scope`);
    for (const scope of new Set(security.flatMap((requirement) => (node(requirement).oauth2 as string[] | undefined) ?? []))) {
      if (!(typeof op.description === 'string' && op.description.includes(`\`${scope}\``)))
        problems.push(`${name}: the description does not name the scope \`${scope}\``);
    }
  }
  return problems;
}

/** A URL for the operation with its parameters' examples filled in. */
function exampleUrl(doc: Node, { path, op }: Operation): string {
  let url = path;
  for (const p of ((op.parameters as unknown[]) ?? []).map((raw) => deref(doc, raw) ?? {})) {
    const example = p.example ?? deref(doc, p.schema)?.example ?? 'x';
    if (p.in === 'path')
      url = url.replace(`{${String(p.name)}}`, encodeURIComponent(typeof example === 'string' ? example : JSON.stringify(example)));
  }
  return url;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let doc: Node;
  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.http
      .get('/api/docs/openapi.json')
      .expect(200)
      .expect('content-type', /application\/json/);
    doc = res.body as Node;
  });
  afterAll(() => t.close());

  it('is valid OpenAPI 3.0: every $ref resolves, schemas, parameters, responses and security are well-formed, operationIds unique', () => {
    expect(structuralProblems(doc)).toEqual([]);
  });

  it('describes every /api/v1 operation completely: summary, operationId, parameters, body, 2xx and error answers with examples, security', () => {
    const operations = apiOperations(doc);
    // 16 when this test was written; new routes only add to it.
    expect(operations.length).toBeGreaterThanOrEqual(16);
    expect(operations.flatMap((operation) => operationProblems(doc, operation))).toEqual([]);
  });

  it('declares security exactly on the operations that answer 401 without a token, and documents what they answer', async () => {
    const problems: string[] = [];
    for (const operation of apiOperations(doc)) {
      const call = t.http[operation.method as 'get'](exampleUrl(doc, operation));
      const res = WITH_BODY.has(operation.method) ? await call.send({}) : await call;
      const secured = ((operation.op.security as unknown[] | undefined) ?? []).length > 0;
      if ((res.status === 401) !== secured)
        problems.push(`${operation.name}: answers ${res.status} without a token, but security is ${secured ? '' : 'not '}declared`);
      if (!(String(res.status) in node(operation.op.responses)))
        problems.push(`${operation.name}: answers ${res.status} (${String(res.body?.error)}), which is not documented`);
    }
    expect(problems).toEqual([]);
  });
});
