import { Readable } from 'node:stream';
import { AccountsService } from '../../src/accounts/accounts.service.js';
import { makeCitizenId } from '../../src/identifiers/generate.js';
import { readRecords } from '../../src/registry/record-reader.js';
import { CITIZEN_COLUMNS } from '../../src/registry/registry-rows.js';
import { RegistryService } from '../../src/registry/registry.service.js';
import type { INestApplicationContext } from '@nestjs/common';

let sequence = 100;

export interface TestCitizen {
  idNumber: string;
  name: string;
  password: string;
  accountId: string;
}

/**
 * A citizen of its own for one test: a fresh registry record and an account, so lockouts, TOTP
 * steps and consents of one test never touch another.
 */
export async function newCitizen(
  app: INestApplicationContext,
  options: { account?: boolean; status?: 'active' | 'deceased' } = {},
): Promise<TestCitizen> {
  sequence += 2;
  const idNumber = makeCitizenId({ region: '330106', birthDate: '1988-08-08', sequence: sequence % 1000 });
  const name = `测试${sequence}`;
  const csv = `id_number,name,status\n${idNumber},${name},${options.status ?? 'active'}\n`;
  await app.get(RegistryService).importCitizens(
    readRecords(Readable.from([csv]), 'csv', {
      requiredColumns: CITIZEN_COLUMNS.required,
      knownColumns: [...CITIZEN_COLUMNS.required, ...CITIZEN_COLUMNS.optional],
    }),
  );
  const password = `Correct-Horse-${sequence}-Battery`;
  if (options.account === false) return { idNumber, name, password, accountId: '' };
  const account = await app.get(AccountsService).register({ idNumber, name, password });
  return { idNumber, name, password, accountId: account.id };
}
