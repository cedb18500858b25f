#!/usr/bin/env node
// The CLI is compiled TypeScript: `npm install` builds it (the prepare script).
import '../dist/src/cli/main.js';
