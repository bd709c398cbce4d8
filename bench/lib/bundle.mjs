// Bundle a benchmark entry (a TypeScript file driving aigis's modules in process) the way the CLI
// is bundled, so that it runs the same code and the precompiled catalogue in dist/.

import { build } from 'esbuild';
import { bundled, common } from '../../scripts/bundle-options.mjs';

export async function bundleLikeCli(entry, outfile) {
  await build({ ...common, entryPoints: [entry], outfile, define: bundled });
}
