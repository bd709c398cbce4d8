// npm run build (also `prepare`, so `npm ci` leaves a runnable `npx aigis`):
// 1. bundle the CLI into dist/aigis.js (loaders, reporters and commands split into lazy chunks);
// 2. check and precompile the built-in rule catalogue into dist/catalogue.js.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { bundled, common } from './bundle-options.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// Build beside dist/ and swap at the end, so a run of the CLI never sees half a build.
const finalDist = path.join(root, 'dist');
const dist = path.join(root, `.dist-build-${process.pid}`);

fs.rmSync(dist, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { aigis: path.join(root, 'src/cli/main.ts'), 'scan-worker': path.join(root, 'src/engine/scan-worker.ts') },
  outdir: dist,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  define: bundled,
});

const genDir = path.join(dist, '.gen');
await build({ ...common, entryPoints: [path.join(root, 'scripts/catalogue-generator.ts')], outfile: path.join(genDir, 'generator.mjs') });
const { generateCatalogue } = await import(pathToFileURL(path.join(genDir, 'generator.mjs')).href);
let generated;
try {
  generated = generateCatalogue();
} catch (err) {
  // A broken rule file fails the build with the same one-line error a user would see.
  console.error(`build: ${typeof err.format === 'function' ? err.format() : err.message}`);
  fs.rmSync(dist, { recursive: true, force: true });
  process.exit(1);
}
const source = path.join(genDir, 'catalogue.mjs');
fs.writeFileSync(source, generated.code);
for (const [name, code] of Object.entries(generated.modules)) fs.writeFileSync(path.join(genDir, name), code);
await build({ ...common, entryPoints: [source], outfile: path.join(dist, 'catalogue.js'), minify: true, banner: undefined });
fs.rmSync(genDir, { recursive: true, force: true });
const old = `${finalDist}-old-${process.pid}`;
if (fs.existsSync(finalDist)) fs.renameSync(finalDist, old);
fs.renameSync(dist, finalDist);
fs.rmSync(old, { recursive: true, force: true });
console.log(`built dist/aigis.js and dist/catalogue.js (${generated.count} rules)`);
