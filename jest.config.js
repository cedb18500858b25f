import { availableParallelism } from 'node:os';

/**
 * Jest runs the TypeScript sources directly through SWC, as native ES modules. At least two
 * workers even on a 2-core machine (Jest's default there is one): most test files spend their
 * time waiting on a child process, Chromium or the database, not on the CPU.
 */
export default {
  maxWorkers: Number(process.env.JEST_WORKERS) || Math.max(2, availableParallelism() - 1),
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
  testTimeout: 60000,
};
