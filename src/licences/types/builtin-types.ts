import type { LicenceTypeDefinition, LocalisedText } from './licence-type.js';

/**
 * The licence types tongban defines itself, created (and kept up to date) at start.
 *
 * Type codes (GB/T 36902/36904): the defining authority's USCC and a 3-digit sequence. The business
 * licence's, 11100000MB0143028R001 (the State Administration for Market Regulation's USCC, 001), is
 * the code national e-licence systems use for 营业执照. The other two are numbered 901 under their
 * defining ministry — SAMR for the food business permit, the Ministry of Public Security
 * (11100000000013127D) for the residence permit — a sequence tongban chose where the national
 * catalogue's would have gone, kept out of the low numbers the catalogue uses.
 *
 * Claim names are snake_case, as JWT claims are; values in Chinese where the paper licence is.
 */

const USCC = { type: 'string', pattern: '^[0-9A-HJ-NP-RTUW-Y]{18}$' } as const;
const CITIZEN_ID = { type: 'string', pattern: '^[0-9]{17}[0-9X]$' } as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const label = (zh: string, en: string): LocalisedText => ({ zh, en });
const SCHEMA = 'https://json-schema.org/draft/2020-12/schema';

export const BUSINESS_LICENCE: LicenceTypeDefinition = {
  id: 'business-licence',
  code: '11100000MB0143028R001',
  name: label('营业执照', 'Business licence'),
  description: label(
    '市场主体登记机关颁发的电子营业执照，内容来自企业登记信息。',
    "The electronic business licence issued by the market registration authority, from the enterprise register's record.",
  ),
  holderKind: 'enterprise',
  validityDays: 3650,
  claimsSchema: {
    $schema: SCHEMA,
    type: 'object',
    properties: {
      uscc: USCC,
      name: text(200),
      type: text(100),
      legal_representative: text(100),
      registered_capital: text(100),
      established: { type: 'string', format: 'date' },
      business_term: text(50),
      address: text(500),
      business_scope: text(2000),
      registration_authority: text(200),
    },
    required: ['uscc', 'name', 'type', 'legal_representative', 'established'],
    additionalProperties: false,
  },
  claimDisplay: [
    { path: ['uscc'], label: label('统一社会信用代码', 'Unified social credit code') },
    { path: ['name'], label: label('名称', 'Name') },
    { path: ['type'], label: label('类型', 'Type') },
    { path: ['legal_representative'], label: label('法定代表人', 'Legal representative') },
    { path: ['registered_capital'], label: label('注册资本', 'Registered capital') },
    { path: ['established'], label: label('成立日期', 'Date of establishment') },
    { path: ['business_term'], label: label('营业期限', 'Business term') },
    { path: ['address'], label: label('住所', 'Address') },
    { path: ['business_scope'], label: label('经营范围', 'Business scope') },
    { path: ['registration_authority'], label: label('登记机关', 'Registration authority') },
  ],
};

export const FOOD_BUSINESS_PERMIT: LicenceTypeDefinition = {
  id: 'food-business-permit',
  code: '11100000MB0143028R901',
  name: label('食品经营许可证', 'Food business permit'),
  description: label(
    '市场监督管理部门颁发的食品经营许可证（许可证编号 JY 开头）。',
    'The food business permit issued by the market regulator (permit numbers begin with JY).',
  ),
  holderKind: 'enterprise',
  validityDays: 1826,
  claimsSchema: {
    $schema: SCHEMA,
    type: 'object',
    properties: {
      // JY, the main business format (1 sales, 2 catering, 3 canteen), 12 digits of place and sequence, a check digit.
      permit_number: { type: 'string', pattern: '^JY[1-3][0-9]{13}$' },
      operator_name: text(200),
      uscc: USCC,
      legal_representative: text(100),
      address: text(500),
      premises: text(500),
      main_business_format: { type: 'string', enum: ['食品销售经营者', '餐饮服务经营者', '单位食堂'] },
      business_items: { type: 'array', items: text(200), minItems: 1, maxItems: 50, uniqueItems: true },
      supervising_authority: text(200),
      supervisor: text(100),
    },
    required: ['permit_number', 'operator_name', 'uscc', 'legal_representative', 'premises', 'main_business_format', 'business_items'],
    additionalProperties: false,
  },
  claimDisplay: [
    { path: ['permit_number'], label: label('许可证编号', 'Permit number') },
    { path: ['operator_name'], label: label('经营者名称', 'Operator name') },
    { path: ['uscc'], label: label('社会信用代码', 'Unified social credit code') },
    { path: ['legal_representative'], label: label('法定代表人（负责人）', 'Legal representative (person in charge)') },
    { path: ['address'], label: label('住所', 'Address') },
    { path: ['premises'], label: label('经营场所', 'Business premises') },
    { path: ['main_business_format'], label: label('主体业态', 'Main business format') },
    { path: ['business_items'], label: label('经营项目', 'Business items') },
    { path: ['supervising_authority'], label: label('日常监督管理机构', 'Supervising authority') },
    { path: ['supervisor'], label: label('日常监督管理人员', 'Supervisor') },
  ],
};

export const RESIDENCE_PERMIT: LicenceTypeDefinition = {
  id: 'residence-permit',
  code: '11100000000013127D901',
  name: label('居住证', 'Residence permit'),
  description: label(
    '公安机关为在居住地居住半年以上的公民签发的居住证。',
    'The residence permit the public security bureau issues to a citizen who has lived in a place for six months or more.',
  ),
  holderKind: 'citizen',
  validityDays: 365,
  claimsSchema: {
    $schema: SCHEMA,
    type: 'object',
    properties: {
      name: text(100),
      id_number: CITIZEN_ID,
      sex: { type: 'string', enum: ['male', 'female'] },
      ethnicity: text(20),
      birth_date: { type: 'string', format: 'date' },
      residence_address: text(500),
      registered_address: text(500),
      issuing_authority: text(200),
    },
    required: ['name', 'id_number', 'residence_address', 'issuing_authority'],
    additionalProperties: false,
  },
  claimDisplay: [
    { path: ['name'], label: label('姓名', 'Name') },
    { path: ['id_number'], label: label('公民身份号码', 'Citizen identity number') },
    { path: ['sex'], label: label('性别', 'Sex') },
    { path: ['ethnicity'], label: label('民族', 'Ethnicity') },
    { path: ['birth_date'], label: label('出生日期', 'Date of birth') },
    { path: ['residence_address'], label: label('居住地址', 'Residence address') },
    { path: ['registered_address'], label: label('户籍地址', 'Place of household registration') },
    { path: ['issuing_authority'], label: label('签发机关', 'Issuing authority') },
  ],
};

export const BUILTIN_LICENCE_TYPES: readonly LicenceTypeDefinition[] = [BUSINESS_LICENCE, FOOD_BUSINESS_PERMIT, RESIDENCE_PERMIT];
