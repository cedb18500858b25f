// Loaded before ESLint (`node --require`): every require('typescript') gets this workspace's
// TypeScript 6. typescript-eslint needs TypeScript's JavaScript compiler API, which the project's
// TypeScript 7 (the native compiler, at the root of node_modules) does not have; npm nests
// typescript-eslint here, beside TypeScript 6, but hoists some of its dependencies (ts-api-utils)
// to the root, where they would find TypeScript 7.
const Module = require('node:module');

const typescript6 = require.resolve('typescript', { paths: [__dirname] });
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'typescript' ? typescript6 : resolveFilename.call(this, request, ...rest);
};
