#!/usr/bin/env node
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2));
if (code >= 0) {
  process.exitCode = code;
  // Let stdout drain, then leave even if a library left a timer behind.
  setTimeout(() => process.exit(code), 50).unref();
}
