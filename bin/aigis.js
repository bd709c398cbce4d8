#!/usr/bin/env node
import module from 'node:module';

// Node 22+ can cache compiled code between runs (a pre-commit hook starts aigis often).
module.enableCompileCache?.();
const { main } = await import('../dist/aigis.js');
process.exitCode = await main(process.argv.slice(2));
