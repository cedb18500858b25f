/**
 * The licence-type catalogue (issue 13 §1): the built-in types, GET /api/v1/licence-types, the
 * SD-JWT VC Type Metadata at each type's vct URI, claims checked against the type's JSON Schema,
 * types added by operators (checked first, nothing half-written), and the issuing authorities
 * allowed per type (clients with the scope licence:issue, their licence types and issuer code).
 */
import { TypeMetadataFormatSchema } from '@sd-jwt/sd-jwt-vc';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { DataSource } from 'typeorm';
import { ClientStore } from '../../src/clients/client-store.js';
import { ClientsService } from '../../src/clients/clients.service.js';
import { ApiError } from '../../src/common/api-error.js';
import { makeUscc } from '../../src/identifiers/generate.js';
import { BUILTIN_LICENCE_TYPES, FOOD_BUSINESS_PERMIT } from '../../src/licences/types/builtin-types.js';
import type { LicenceType, LicenceTypeDefinition } from '../../src/licences/types/licence-type.js';
import { LicenceTypesService } from '../../src/licences/types/licence-types.service.js';
import { client, registerService } from '../support/oidc.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { backend } from '../support/test-env.js';

const ISSUER_CODE = makeUscc({ authority: '1', entityType: '1', region: '350100', organisationBody: 'MB012345' });

const BUSINESS_CLAIMS = {
  uscc: '91350100MA2YTB8K4L',
  name: '福州通办示范科技有限公司',
  type: '有限责任公司（自然人投资或控股）',
  legal_representative: '陈伟',
  registered_capital: '1000万元人民币',
  established: '2018-06-01',
  address: '福建省福州市鼓楼区五四路1号',
};

/** An operator's type: a fishing licence, with a nested claim and an array. */
function fishingLicence(overrides: Partial<LicenceTypeDefinition> = {}): LicenceTypeDefinition {
  return {
    id: 'fishing-licence',
    code: '11100000000013338W501',
    name: { zh: '渔业捕捞许可证', en: 'Fishing licence' },
    description: { zh: '渔业主管部门颁发的捕捞许可证。', en: 'The fishing licence issued by the fisheries authority.' },
    holderKind: 'enterprise',
    validityDays: 1825,
    claimsSchema: {
      type: 'object',
      properties: {
        licence_number: { type: 'string', pattern: '^[0-9]{4}-[0-9]{6}$' },
        vessel: {
          type: 'object',
          properties: { name: { type: 'string', minLength: 1 }, tonnage: { type: 'number', exclusiveMinimum: 0 } },
          required: ['name'],
          additionalProperties: false,
        },
        areas: { type: 'array', items: { type: 'string' }, minItems: 1 },
      },
      required: ['licence_number', 'vessel'],
      additionalProperties: false,
    },
    claimDisplay: [
      { path: ['licence_number'], label: { zh: '许可证号', en: 'Licence number' } },
      { path: ['vessel'], label: { zh: '船舶', en: 'Vessel' } },
      { path: ['vessel', 'name'], label: { zh: '船名', en: 'Vessel name' } },
      { path: ['areas'], label: { zh: '作业场所', en: 'Fishing areas' } },
      { path: ['areas', null], label: { zh: '场所', en: 'Area' } },
    ],
    ...overrides,
  };
}

/** The error an ApiError carries: status and body. */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; error: string; message: string; details?: unknown }> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { status: err.getStatus(), ...(err.getResponse() as { error: string; message: string; details?: unknown }) };
  }
  throw new Error('it was not refused');
}

describe(`licence types on ${backend}`, () => {
  let server: TestServer;
  let types: LicenceTypesService;
  let clients: ClientsService;
  let store: ClientStore;
  let db: DataSource;

  beforeAll(async () => {
    server = await startTestServer();
    types = server.app.get(LicenceTypesService);
    clients = server.app.get(ClientsService);
    store = server.app.get(ClientStore);
    db = server.app.get(DataSource);
  });
  afterAll(() => server.close());

  const get = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
  };
  const count = async () => Number((await db.query(`SELECT count(*)::int AS n FROM licence_types`))[0].n);

  describe('the catalogue', () => {
    it('has the built-in types, public: GET /api/v1/licence-types needs no token', async () => {
      const { status, body } = await get('/api/v1/licence-types');
      expect(status).toBe(200);
      expect(body.licenceTypes.map((t: { id: string }) => t.id)).toEqual(['business-licence', 'food-business-permit', 'residence-permit']);
      const summary = body.licenceTypes.map((t: LicenceType) => [t.id, t.code, t.holderKind, t.name.zh, t.builtin, t.vct]);
      expect(summary).toEqual([
        ['business-licence', '11100000MB0143028R001', 'enterprise', '营业执照', true, `${server.url}/licence-types/business-licence`],
        [
          'food-business-permit',
          '11100000MB0143028R901',
          'enterprise',
          '食品经营许可证',
          true,
          `${server.url}/licence-types/food-business-permit`,
        ],
        ['residence-permit', '11100000000013127D901', 'citizen', '居住证', true, `${server.url}/licence-types/residence-permit`],
      ]);
      const residence = body.licenceTypes[2];
      expect(residence.name.en).toBe('Residence permit');
      expect(residence.validityDays).toBe(365);
      expect(residence.claimsSchema.required).toEqual(['name', 'id_number', 'residence_address', 'issuing_authority']);
      expect(residence.claimDisplay).toContainEqual({ path: ['issuing_authority'], label: { zh: '签发机关', en: 'Issuing authority' } });
      expect(residence.issuers).toEqual([]);
    });

    it('GET /api/v1/licence-types/{id}: one type; 404 for an unknown one, 400 for what is no type id', async () => {
      const food = await get('/api/v1/licence-types/food-business-permit');
      expect(food.status).toBe(200);
      expect(food.body).toMatchObject({ id: 'food-business-permit', holderKind: 'enterprise', validityDays: 1826 });
      expect(food.body.claimsSchema.properties.main_business_format.enum).toEqual(['食品销售经营者', '餐饮服务经营者', '单位食堂']);
      const unknown = await get('/api/v1/licence-types/fishing-permit');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ error: 'licence_type_not_found', message: 'no licence type fishing-permit' });
      const bad = await get('/api/v1/licence-types/Business_Licence');
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('validation_failed');
    });

    it('the built-in types are created once: a restart changes nothing, and brings an outdated built-in back to its definition', async () => {
      const before = await db.query(`SELECT id, updated_at FROM licence_types ORDER BY id`);
      await types.onModuleInit();
      expect(await db.query(`SELECT id, updated_at FROM licence_types ORDER BY id`)).toEqual(before);
      // As if an older version had defined it otherwise.
      await db.query(`UPDATE licence_types SET validity_days = 30, name_en = 'Old name' WHERE id = 'residence-permit'`);
      await types.onModuleInit();
      await new Promise((resolve) => setTimeout(resolve, 2100)); // the catalogue reads a type again after 2 s
      expect(await types.get('residence-permit')).toMatchObject({ validityDays: 365, name: { en: 'Residence permit' } });
      expect(await count()).toBe(BUILTIN_LICENCE_TYPES.length);
    });
  });

  describe('type metadata at the vct URI', () => {
    it('GET /licence-types/{id} is SD-JWT VC Type Metadata: vct, names and claim labels in zh-CN and en, the schema embedded', async () => {
      const { status, headers, body } = await get('/licence-types/business-licence');
      expect(status).toBe(200);
      expect(headers.get('content-type')).toMatch(/^application\/json/);
      expect(headers.get('cache-control')).toBe('public, max-age=300');
      expect(headers.get('access-control-allow-origin')).toBe('*');
      // The ecosystem's reading of the format (@sd-jwt/sd-jwt-vc's schema of draft -13 type metadata).
      const parsed = TypeMetadataFormatSchema.safeParse(body);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      expect(body.vct).toBe(`${server.url}/licence-types/business-licence`);
      expect(body.name).toBe('营业执照 (Business licence)');
      expect(body.display).toEqual([
        expect.objectContaining({ lang: 'zh-CN', locale: 'zh-CN', name: '营业执照' }),
        expect.objectContaining({ lang: 'en', locale: 'en', name: 'Business licence' }),
      ]);
      const legal = body.claims.find((c: { path: string[] }) => c.path.join() === 'legal_representative');
      expect(legal).toEqual({
        path: ['legal_representative'],
        display: [
          { lang: 'zh-CN', locale: 'zh-CN', label: '法定代表人' },
          { lang: 'en', locale: 'en', label: 'Legal representative' },
        ],
        sd: 'always',
        mandatory: true,
      });
      expect(body.claims.find((c: { path: string[] }) => c.path.join() === 'address')).not.toHaveProperty('mandatory');
      expect(body.claims).toHaveLength(10);
    });

    it("its schema describes a credential of the type once disclosed: the type's claims with the credential's own", async () => {
      const { body } = await get('/licence-types/business-licence');
      const ajv = new Ajv2020({ allErrors: true });
      addFormats.default(ajv);
      const validate = ajv.compile(body.schema);
      const credential = {
        iss: server.url,
        iat: 1767225600,
        exp: 2082758400,
        vct: body.vct,
        status: { status_list: { idx: 7, uri: `${server.url}/api/v1/status-lists/1` } },
        cnf: { jwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' } },
        ...BUSINESS_CLAIMS,
      };
      expect([validate(credential), validate.errors]).toEqual([true, null]);
      expect(validate({ ...credential, vct: `${server.url}/licence-types/residence-permit` })).toBe(false);
      const { legal_representative: _omitted, ...without } = credential;
      expect(validate(without)).toBe(false);
      expect(validate({ ...credential, favourite_colour: 'red' })).toBe(false);
    });

    it('404 for an unknown type or anything else', async () => {
      expect((await get('/licence-types/no-such-type')).body).toEqual({
        error: 'licence_type_not_found',
        message: 'no licence type no-such-type',
      });
      expect((await get('/licence-types/..%2F..%2Fetc')).status).toBe(404);
      expect((await get('/licence-types/BUSINESS-LICENCE')).status).toBe(404);
    });

    it('the OpenAPI document describes the catalogue routes', async () => {
      const { body } = await get('/api/docs/openapi.json');
      expect(body.paths['/api/v1/licence-types'].get.operationId).toBe('listLicenceTypes');
      expect(body.paths['/api/v1/licence-types/{id}'].get.operationId).toBe('getLicenceType');
      expect(body.paths['/licence-types/{id}'].get.operationId).toBe('licenceTypeMetadata');
      expect(body.paths['/api/v1/licence-types/{id}'].get.security).toBeUndefined();
    });
  });

  describe('validateClaims', () => {
    it('accepts claims that match the type', async () => {
      expect(await types.validateClaims('business-licence', BUSINESS_CLAIMS)).toEqual({ ok: true });
      expect(
        await types.validateClaims('food-business-permit', {
          permit_number: 'JY23501020012345',
          operator_name: '福州通办示范餐饮有限公司',
          uscc: '91350100MA2YTB8K4L',
          legal_representative: '陈伟',
          premises: '福建省福州市鼓楼区五四路1号一层',
          main_business_format: '餐饮服务经营者',
          business_items: ['热食类食品制售', '冷食类食品制售'],
        }),
      ).toEqual({ ok: true });
      expect(
        await types.validateClaims('residence-permit', {
          name: '张三',
          id_number: '11010519491231002X',
          residence_address: '福建省福州市鼓楼区五四路1号',
          issuing_authority: '福州市公安局鼓楼分局',
        }),
      ).toEqual({ ok: true });
    });

    it('names every problem: the claim concerned (JSON Pointer), the rule and a message, sorted', async () => {
      const { legal_representative: _omitted, ...claims } = BUSINESS_CLAIMS;
      const result = await types.validateClaims('business-licence', {
        ...claims,
        uscc: '91350100MA2YTB8K4',
        established: '2018-02-30',
        extra: 1,
      });
      expect(result).toEqual({
        ok: false,
        errors: [
          { path: '/established', keyword: 'format', message: 'must match format "date"', params: { format: 'date' } },
          {
            path: '/extra',
            keyword: 'additionalProperties',
            message: 'must NOT have additional properties',
            params: { additionalProperty: 'extra' },
          },
          {
            path: '/legal_representative',
            keyword: 'required',
            message: "must have required property 'legal_representative'",
            params: { missingProperty: 'legal_representative' },
          },
          {
            path: '/uscc',
            keyword: 'pattern',
            message: 'must match pattern "^[0-9A-HJ-NP-RTUW-Y]{18}$"',
            params: { pattern: '^[0-9A-HJ-NP-RTUW-Y]{18}$' },
          },
        ],
      });
      const items = await types.validateClaims('food-business-permit', { business_items: [] });
      expect(items.ok).toBe(false);
      if (!items.ok) expect(items.errors.find((e) => e.path === '/business_items')).toMatchObject({ keyword: 'minItems' });
    });

    it('claims that are not an object are a problem with the whole: path ""', async () => {
      for (const claims of ['营业执照', null, [BUSINESS_CLAIMS], 42])
        expect(await types.validateClaims('business-licence', claims)).toEqual({
          ok: false,
          errors: [{ path: '', keyword: 'type', message: 'must be object', params: { type: 'object' } }],
        });
    });

    it('an unknown type is 404', async () => {
      expect(await refusal(types.validateClaims('fishing-permit', {}))).toMatchObject({ status: 404, error: 'licence_type_not_found' });
    });
  });

  describe('types added by operators', () => {
    it('a good definition is added, listed, served as type metadata and checks claims, nested ones too', async () => {
      const added = await types.add(fishingLicence());
      expect(added).toMatchObject({ id: 'fishing-licence', code: '11100000000013338W501', builtin: false, issuers: [] });
      const listed = await get('/api/v1/licence-types');
      expect(listed.body.licenceTypes.map((t: { id: string }) => t.id)).toContain('fishing-licence');
      const metadata = await get('/licence-types/fishing-licence');
      expect(TypeMetadataFormatSchema.safeParse(metadata.body).success).toBe(true);
      expect(metadata.body.claims.map((c: { path: unknown[] }) => c.path)).toEqual([
        ['licence_number'],
        ['vessel'],
        ['vessel', 'name'],
        ['areas'],
        ['areas', null],
      ]);
      expect(await types.validateClaims('fishing-licence', { licence_number: '2026-000123', vessel: { name: '闽福渔01234' } })).toEqual({
        ok: true,
      });
      const bad = await types.validateClaims('fishing-licence', { licence_number: '2026-000123', vessel: { tonnage: -1 }, areas: [3] });
      expect(bad.ok ? [] : bad.errors.map((e) => [e.path, e.keyword])).toEqual([
        ['/areas/0', 'type'],
        ['/vessel/name', 'required'],
        ['/vessel/tonnage', 'exclusiveMinimum'],
      ]);
    });

    it('a second type with the same id or the same code is 409, and nothing is written', async () => {
      const before = await count();
      expect(await refusal(types.add(fishingLicence()))).toEqual({
        status: 409,
        error: 'licence_type_exists',
        message: 'a licence type fishing-licence is already in the catalogue',
      });
      expect(await refusal(types.add(fishingLicence({ id: 'fishing-licence-2' })))).toEqual({
        status: 409,
        error: 'licence_type_code_exists',
        message: "the type code 11100000000013338W501 is already fishing-licence's",
      });
      expect(await refusal(types.add(fishingLicence({ id: 'food-permit-copy', code: FOOD_BUSINESS_PERMIT.code })))).toMatchObject({
        status: 409,
        error: 'licence_type_code_exists',
      });
      expect(await count()).toBe(before);
    });

    it('a claims schema that is not a valid, self-contained JSON Schema of an object is 400 invalid_claims_schema', async () => {
      const before = await count();
      const schema = fishingLicence().claimsSchema as { properties: Record<string, unknown> };
      const withSchema = (claimsSchema: Record<string, unknown>) =>
        types.add(fishingLicence({ id: 'bad-schema', code: '11100000000013338W599', claimsSchema }));
      const cases: Array<[string, Record<string, unknown>, RegExp]> = [
        ['a wrong type name', { ...schema, properties: { ...schema.properties, areas: { type: 'strin' } } }, /not a valid JSON Schema/],
        [
          'an unknown keyword (a typo)',
          { ...schema, properties: { ...schema.properties, areas: { type: 'string', maxLenght: 3 } } },
          /unknown keyword/,
        ],
        [
          'an unknown format',
          { ...schema, properties: { ...schema.properties, areas: { type: 'string', format: 'uscc' } } },
          /unknown format/,
        ],
        [
          'a remote reference',
          { ...schema, properties: { ...schema.properties, areas: { $ref: 'https://example.com/areas.json' } } },
          /can't resolve reference/,
        ],
        ['another dialect', { ...schema, $schema: 'http://json-schema.org/draft-07/schema#' }, /JSON Schema 2020-12/],
        ['not an object', { type: 'array', items: { type: 'string' } }, /must describe an object/],
        [
          'a claim the credential sets itself',
          { ...schema, properties: { ...schema.properties, iss: { type: 'string' } } },
          /iss are the credential's own/,
        ],
        [
          'a claim without a label',
          { ...schema, properties: { ...schema.properties, port: { type: 'string' } } },
          /claim port has no label/,
        ],
      ];
      for (const [what, claimsSchema, message] of cases) {
        const refused = await refusal(withSchema(claimsSchema));
        expect([what, refused.status, refused.error]).toEqual([what, 400, 'invalid_claims_schema']);
        expect([what, refused.message]).toEqual([what, expect.stringMatching(message)]);
      }
      const badLabel = await refusal(
        types.add(
          fishingLicence({
            id: 'bad-label',
            code: '11100000000013338W598',
            claimDisplay: [...fishingLicence().claimDisplay, { path: ['port'], label: { zh: '港', en: 'Port' } }],
          }),
        ),
      );
      expect(badLabel).toMatchObject({
        status: 400,
        error: 'invalid_claims_schema',
        message: expect.stringMatching(/path \["port"\] names no property/),
      });
      expect(await count()).toBe(before);
    });

    it('a definition with a bad or missing field is 400 invalid_licence_type, naming the fields', async () => {
      const before = await count();
      const { holderKind: _omitted, ...withoutHolder } = fishingLicence({ id: 'no-holder', code: '11100000000013338W597' });
      const missing = await refusal(types.add(withoutHolder));
      expect(missing).toMatchObject({
        status: 400,
        error: 'invalid_licence_type',
        message: expect.stringContaining('holderKind must be one of'),
      });
      expect(missing.details).toEqual([{ field: 'holderKind', problems: [expect.stringContaining('holderKind must be one of')] }]);
      const cases: Array<[string, unknown, string]> = [
        ['an id with capitals', fishingLicence({ id: 'Fishing' }), 'id'],
        ['a type code of 20 characters', fishingLicence({ id: 'short-code', code: '11100000000013338W50' }), 'code'],
        ['a type code with an O', fishingLicence({ id: 'o-code', code: '111000000000133O8W501' }), 'code'],
        ['no English name', fishingLicence({ id: 'no-en', name: { zh: '证', en: '' } }), 'name.en'],
        ['a validity of 0 days', fishingLicence({ id: 'zero-days', validityDays: 0 }), 'validityDays'],
        ['a validity of 1.5 days', fishingLicence({ id: 'half-days', validityDays: 1.5 }), 'validityDays'],
        ['a schema that is text', { ...fishingLicence({ id: 'text-schema' }), claimsSchema: '{"type":"object"}' }, 'claimsSchema'],
        ['no labels', fishingLicence({ id: 'no-labels', claimDisplay: [] }), 'claimDisplay'],
        ['an unknown field', { ...fishingLicence({ id: 'extra-field' }), issuers: ['x'] }, 'issuers'],
        [
          'a label path of numbers',
          fishingLicence({ id: 'number-path', claimDisplay: [{ path: [1 as unknown as string], label: { zh: '一', en: 'One' } }] }),
          'claimDisplay.0.path',
        ],
      ];
      for (const [what, definition, field] of cases) {
        const refused = await refusal(types.add(definition));
        expect([what, refused.status, refused.error]).toEqual([what, 400, 'invalid_licence_type']);
        expect([what, (refused.details as Array<{ field: string }>).map((d) => d.field)]).toEqual([what, [field]]);
      }
      for (const definition of [null, [], 'fishing-licence'])
        expect(await refusal(types.add(definition))).toMatchObject({ status: 400, error: 'invalid_licence_type' });
      expect(await count()).toBe(before);
    });
  });

  describe('issuing authorities', () => {
    let uniq = 0;
    const id = () => `authority-${++uniq}-${Math.random().toString(36).slice(2, 6)}`;

    it('a client with the scope licence:issue, an issuer code and licence types may issue those types and no others', async () => {
      const clientId = id();
      const registered = await clients.register({
        client_id: clientId,
        client_name: '福州市市场监督管理局',
        'client_name#en': 'Fuzhou Administration for Market Regulation',
        scope: 'licence:issue',
        licence_types: ['food-business-permit', 'fishing-licence'],
        issuer_code: ISSUER_CODE.toLowerCase(),
      });
      expect(registered.client).toMatchObject({
        tongban_issuer_code: ISSUER_CODE,
        tongban_licence_types: ['food-business-permit', 'fishing-licence'],
      });
      expect(await store.licenceTypesOf(clientId)).toEqual(['food-business-permit', 'fishing-licence']);
      expect(await store.issuerCodeOf(clientId)).toBe(ISSUER_CODE);
      expect(await types.mayIssue(clientId, 'food-business-permit')).toBe(true);
      expect(await types.mayIssue(clientId, 'fishing-licence')).toBe(true);
      expect(await types.mayIssue(clientId, 'residence-permit')).toBe(false);
      expect(await types.mayIssue(clientId, 'no-such-type')).toBe(false);
      expect(await types.mayIssue('no-such-client', 'food-business-permit')).toBe(false);

      const food = await get('/api/v1/licence-types/food-business-permit');
      expect(food.body.issuers).toEqual([
        { clientId, name: '福州市市场监督管理局', nameEn: 'Fuzhou Administration for Market Regulation', issuerCode: ISSUER_CODE },
      ]);
      expect((await get('/api/v1/licence-types/residence-permit')).body.issuers).toEqual([]);
      expect((await clients.get(clientId)).tongban_licence_types).toEqual(['food-business-permit', 'fishing-licence']);

      // Removed: it issues nothing any more, and is no type's issuer.
      await clients.remove(clientId);
      expect(await types.mayIssue(clientId, 'food-business-permit')).toBe(false);
      expect((await get('/api/v1/licence-types/food-business-permit')).body.issuers).toEqual([]);
    });

    it('a client with the scope but no licence types is no issuer of anything; one without the scope may not be given types', async () => {
      const plain = id();
      await clients.register({ client_id: plain, scope: 'licence:issue' });
      expect(await store.licenceTypesOf(plain)).toEqual([]);
      expect(await store.issuerCodeOf(plain)).toBeNull();
      expect(await types.mayIssue(plain, 'business-licence')).toBe(false);
      expect((await clients.get(plain)).tongban_issuer_code).toBeUndefined();

      const refusals: Array<[string, Parameters<ClientsService['register']>[0], string, RegExp]> = [
        [
          'types without the scope',
          { client_id: id(), scope: 'verify', licence_types: ['business-licence'], issuer_code: ISSUER_CODE },
          'invalid_client_metadata',
          /scope licence:issue/,
        ],
        [
          'an issuer code without the scope',
          { client_id: id(), issuer_code: ISSUER_CODE },
          'invalid_client_metadata',
          /scope licence:issue/,
        ],
        [
          'types without an issuer code',
          { client_id: id(), scope: 'licence:issue', licence_types: ['business-licence'] },
          'invalid_client_metadata',
          /issuer code/,
        ],
        [
          'an issuer code that is no USCC',
          { client_id: id(), scope: 'licence:issue', licence_types: ['business-licence'], issuer_code: ISSUER_CODE.slice(0, 17) + 'X' },
          'invalid_client_metadata',
          /CHECKSUM/,
        ],
        [
          'a type not in the catalogue',
          { client_id: id(), scope: 'licence:issue', licence_types: ['business-licence', 'moon-landing-permit'], issuer_code: ISSUER_CODE },
          'unknown_licence_type',
          /moon-landing-permit/,
        ],
      ];
      for (const [what, registration, code, message] of refusals) {
        const refused = await refusal(clients.register(registration));
        expect([what, refused.status, refused.error]).toEqual([what, 400, code]);
        expect([what, refused.message]).toEqual([what, expect.stringMatching(message)]);
        // Nothing registered.
        expect([what, await store.get(registration.client_id)]).toEqual([what, undefined]);
      }
    });

    it('POST /api/v1/clients takes licence_types and issuer_code, checked like the rest of the body', async () => {
      const admin = await registerService(server, 'clients:write');
      const token = (await client.clientCredentialsGrant(admin.config, { scope: 'clients:write' })).access_token;
      const post = async (body: unknown) => {
        const response = await fetch(`${server.url}/api/v1/clients`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: await response.json() };
      };
      const clientId = id();
      const ok = await post({ client_id: clientId, scope: 'licence:issue', licence_types: ['residence-permit'], issuer_code: ISSUER_CODE });
      expect(ok.status).toBe(201);
      expect(ok.body.client).toMatchObject({ tongban_issuer_code: ISSUER_CODE, tongban_licence_types: ['residence-permit'] });
      expect(await types.mayIssue(clientId, 'residence-permit')).toBe(true);

      const badCode = await post({
        client_id: id(),
        scope: 'licence:issue',
        licence_types: ['residence-permit'],
        issuer_code: 'not-a-uscc',
      });
      expect(badCode.status).toBe(400);
      expect(badCode.body.details).toEqual([{ field: 'issuer_code', problems: [expect.stringContaining('unified social credit code')] }]);
      const badType = await post({
        client_id: id(),
        scope: 'licence:issue',
        licence_types: ['Residence Permit'],
        issuer_code: ISSUER_CODE,
      });
      expect(badType.status).toBe(400);
      expect(badType.body.details[0].field).toBe('licence_types');
      const unknownType = await post({
        client_id: id(),
        scope: 'licence:issue',
        licence_types: ['moon-landing-permit'],
        issuer_code: ISSUER_CODE,
      });
      expect(unknownType.status).toBe(400);
      expect(unknownType.body.error).toBe('unknown_licence_type');
    });
  });
});
