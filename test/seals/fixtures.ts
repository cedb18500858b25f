import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Third-party SES/OFD files (ofdrw's test resources and two tax bureaus' stamped invoices, copied
 * unchanged into test/fixtures/ses; its README says where each comes from and what a correct
 * verifier says of it). SES_FIXTURES points at another directory of the same files.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
export const SES_FIXTURES = process.env.SES_FIXTURES ?? resolve(root, 'test/fixtures/ses');

export function sesFixture(name: string): Buffer {
  const path = join(SES_FIXTURES, name);
  if (!existsSync(path)) throw new Error(`fixture ${path} is missing (test/fixtures/ses, or SES_FIXTURES)`);
  return readFileSync(path);
}
