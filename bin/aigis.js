#!/usr/bin/env node
import module from 'node:module';

// Node 22+ can cache compiled code between runs (a pre-commit hook starts aigis often).
module.enableCompileCache?.();
// A reader that stops early (`aigis scan … | head`) closes the pipe: stop quietly, with the
// exit code the run had (2 if it had none yet: the report was not delivered whole).
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 2);
});
const { main } = await import('../dist/aigis.js');
process.exitCode = await main(process.argv.slice(2));
