// esbuild options of the CLI bundle, shared by scripts/build.mjs and the benchmarks that bundle
// parts of aigis to time them in process (bench/lib/bundle.mjs), so that both run the same code.

// ESM bundles of CommonJS dependencies need a real `require` for Node built-ins.
export const banner = { js: "import { createRequire as __aigisRequire } from 'node:module'; const require = __aigisRequire(import.meta.url);" };
// Large or platform-heavy packages stay in node_modules; they load only in the commands that need them.
// dockerfile-ast too: bundled, its calls into vscode-languageserver-types go through esbuild's
// export getters (~10% slower parsing, bench/README.md "3. Dockerfiles").
export const external = ['@kubernetes/client-node', '@cyclonedx/cyclonedx-library', 'mvdan-sh', 'sh-syntax', 'dockerfile-ast'];

export const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', banner, external, logLevel: 'warning', legalComments: 'none' };

/** Only the bundle uses the precompiled catalogue in dist/ (src/rules/catalogue.ts). */
export const bundled = { 'process.env.AIGIS_BUNDLED': '"1"' };
