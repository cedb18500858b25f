import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared third-party SES/OFD fixtures (../shared/fixtures/ses beside the repository; see its
 * README), read in place and never copied into the repository. SES_FIXTURES points elsewhere.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
export const SES_FIXTURES = process.env.SES_FIXTURES ?? resolve(root, '../shared/fixtures/ses');

export function sesFixture(name: string): Buffer {
  const path = join(SES_FIXTURES, name);
  if (!existsSync(path))
    throw new Error(`fixture ${path} is missing (the shared fixtures live in ../shared/fixtures/ses; SES_FIXTURES to point elsewhere)`);
  return readFileSync(path);
}
