import { makeCitizenId, makeUscc } from '../identifiers/generate.js';

/**
 * Synthetic people and enterprises for DEMO=1. The numbers are well-formed but belong to nobody;
 * they are printed at start and in the README so a new user can sign in with them.
 */
export const DEMO_CITIZENS = [
  { id_number: makeCitizenId({ region: '350102', birthDate: '1980-01-01', sequence: 11 }), name: '陈伟', status: 'active' },
  { id_number: makeCitizenId({ region: '110105', birthDate: '1990-03-07', sequence: 123 }), name: '张三', status: 'active' },
  { id_number: makeCitizenId({ region: '310104', birthDate: '1985-11-20', sequence: 2 }), name: '李娜', status: 'active' },
  { id_number: makeCitizenId({ region: '440305', birthDate: '1992-08-15', sequence: 4 }), name: '王芳', status: 'active' },
  { id_number: makeCitizenId({ region: '510107', birthDate: '1931-05-04', sequence: 7 }), name: '刘洋', status: 'deceased' },
] as const;

export const DEMO_ENTERPRISES = [
  {
    uscc: makeUscc({ authority: '9', entityType: '1', region: '350100', organisationBody: 'MA2YTB8K' }),
    name: '福州通办示范科技有限公司',
    type: '有限责任公司',
    legal_representative_id_number: DEMO_CITIZENS[0].id_number,
    address: '福建省福州市鼓楼区五四路1号',
    established: '2018-06-01',
    status: 'active',
  },
  {
    uscc: makeUscc({ authority: '9', entityType: '1', region: '310104', organisationBody: 'MA1FL3QX' }),
    name: '上海示范贸易有限公司',
    type: '有限责任公司',
    legal_representative_id_number: DEMO_CITIZENS[2].id_number,
    address: '上海市徐汇区漕溪北路88号',
    established: '2015-09-10',
    status: 'suspended',
  },
] as const;
