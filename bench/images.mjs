#!/usr/bin/env node
// bench/images: aigis scan of a large image archive beside a bare decompress-and-list of the same
// layers, in the same run, on the same machine (the yardstick of DESIGN.md: `gzip -dc LAYER |
// tar -t` for every layer, one after the other).
//
//   node bench/images.mjs [--mb 500,1000] [--runs 3] [--rebuild]
//
// For each size (MB of uncompressed layer content, default 500 and 1000, to show that memory does
// not grow with the image):
// 1. builds, once, with the real tools (umoci, skopeo) an image of many small files under
//    bench/out/images-<MB>/: layer 1 a static busybox and /usr/share docs, layer 2 a Python
//    site-packages tree (one dist-info per package; packaged, so not searched for tokens),
//    layer 3 an application tree (searched for tokens) and one 20 MB model file (random bytes);
// 2. R times, alternating: the yardstick over the layer blobs of the OCI layout, then
//    `node bin/aigis.js scan -f json -o /dev/null --fail-on none image.oci.tar`, each timed
//    from spawn to exit, aigis's peak RSS from /usr/bin/time -f %M;
// 3. prints the medians, the ratio and the peak RSS.
// Needs a built CLI (npm run build), umoci, skopeo, gzip, GNU tar; busybox-static if present.

import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '500,1000' },
    runs: { type: 'string', default: '3' },
    rebuild: { type: 'boolean', default: false },
  },
});
const sizes = values.mb.split(',').map(Number);
const runs = Number(values.runs);
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
if (!fs.existsSync(path.join(root, 'dist', 'aigis.js'))) {
  console.error('bench/images: build the CLI first (npm run build)');
  process.exit(2);
}

// --- the image ---------------------------------------------------------------------------------

/** Deterministic pseudo-random text, like source code and docs, so gzip sees realistic ratios. */
function corpus(bytes) {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const words = Array.from({ length: 4000 }, () => Array.from({ length: 2 + Math.floor(rnd() * 9) }, () => 'abcdefghijklmnopqrstuvwxyz_'[Math.floor(rnd() * 27)]).join(''));
  const out = [];
  let n = 0;
  while (n < bytes) {
    const line = `${'    '.repeat(Math.floor(rnd() * 3))}${Array.from({ length: 3 + Math.floor(rnd() * 8) }, () => words[Math.floor(rnd() * words.length)]).join(' ')}\n`;
    out.push(line);
    n += line.length;
  }
  return { text: Buffer.from(out.join('')), rnd };
}

function writeTree(dir, bytes, { prefix, ext, perDir, distInfo }, src) {
  let written = 0;
  let files = 0;
  let pkg = 0;
  while (written < bytes) {
    const d = path.join(dir, prefix, `pkg${String(pkg).padStart(4, '0')}`);
    fs.mkdirSync(d, { recursive: true });
    if (distInfo) {
      const info = path.join(dir, prefix, `pkg${String(pkg).padStart(4, '0')}-1.${pkg % 20}.0.dist-info`);
      fs.mkdirSync(info, { recursive: true });
      fs.writeFileSync(path.join(info, 'METADATA'), `Metadata-Version: 2.1\nName: pkg${pkg}\nVersion: 1.${pkg % 20}.0\n\n`);
      files++;
    }
    for (let i = 0; i < perDir && written < bytes; i++) {
      const size = 500 + Math.floor(src.rnd() * 19500);
      const at = Math.floor(src.rnd() * (src.text.length - size));
      fs.writeFileSync(path.join(d, `mod${i}.${ext}`), src.text.subarray(at, at + size));
      written += size;
      files++;
    }
    pkg++;
  }
  return files;
}

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], ...opts });
}

function buildImage(mb) {
  const dir = path.join(root, 'bench', 'out', `images-${mb}`);
  const archive = path.join(dir, 'image.oci.tar');
  const layout = path.join(dir, 'layout');
  if (!values.rebuild && fs.existsSync(archive) && fs.existsSync(path.join(dir, 'info.json'))) return { dir, archive, layout, ...JSON.parse(fs.readFileSync(path.join(dir, 'info.json'), 'utf8')) };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const bytes = mb * 1024 * 1024;
  const src = corpus(4 << 20);
  const layers = [path.join(dir, 'l1'), path.join(dir, 'l2'), path.join(dir, 'l3')];
  let files = 0;
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p));
  fs.mkdirSync(path.join(layers[0], 'bin'), { recursive: true });
  if (busybox) fs.copyFileSync(busybox, path.join(layers[0], 'bin', 'busybox'));
  fs.mkdirSync(path.join(layers[0], 'etc'), { recursive: true });
  fs.writeFileSync(path.join(layers[0], 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n');
  files += writeTree(layers[0], bytes * 0.1, { prefix: 'usr/share/doc', ext: 'txt', perDir: 40 }, src);
  files += writeTree(layers[1], bytes * 0.55, { prefix: 'usr/local/lib/python3.11/site-packages', ext: 'py', perDir: 200, distInfo: true }, src);
  files += writeTree(layers[2], bytes * 0.35 - (20 << 20), { prefix: 'app/src', ext: 'json', perDir: 100 }, src);
  const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [5 << 20], data_offsets: [0, 20 << 20] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  fs.mkdirSync(path.join(layers[2], 'app', 'models'), { recursive: true });
  fs.writeFileSync(path.join(layers[2], 'app', 'models', 'model.safetensors'), Buffer.concat([len, header, crypto.randomBytes(20 << 20)]));
  files += 1;

  run('umoci', ['init', '--layout', layout]);
  run('umoci', ['new', '--image', `${layout}:bench`]);
  for (const l of layers) run('umoci', ['insert', '--image', `${layout}:bench`, l, '/']);
  run('umoci', ['config', '--image', `${layout}:bench`, '--config.user', '1000', '--config.cmd', 'python3', '--config.cmd', '-m', '--config.cmd', 'app']);
  run('skopeo', ['copy', '-q', '--insecure-policy', `oci:${layout}:bench`, `oci-archive:${archive}:bench`]);
  for (const l of layers) fs.rmSync(l, { recursive: true, force: true });
  const info = { files, uncompressed: layerBlobs(layout).reduce((s, b) => s + Number(execFileSync('bash', ['-c', `gzip -dc '${b}' | wc -c`]).toString().trim()), 0) };
  fs.writeFileSync(path.join(dir, 'info.json'), JSON.stringify(info));
  return { dir, archive, layout, ...info };
}

function layerBlobs(layout) {
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8'));
  const desc = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'bench');
  const blob = (d) => path.join(layout, 'blobs', ...d.split(':'));
  const manifest = JSON.parse(fs.readFileSync(blob(desc.digest), 'utf8'));
  return manifest.layers.map((l) => blob(l.digest));
}

// --- timing ----------------------------------------------------------------------------------

function timed(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const useTime = TIME && cmd !== 'bash';
    const child = useTime ? spawn(TIME, ['-f', '%M', cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] }) : spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
      const kb = useTime ? Number(err.trim().split('\n').pop()) : undefined;
      resolve({ ms, rssMB: kb ? kb / 1024 : undefined });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = [];
for (const mb of sizes) {
  const img = buildImage(mb);
  const blobs = layerBlobs(img.layout);
  // umoci 0.4 ends layers without the tar end blocks: GNU tar lists every entry, then exits 2.
  const yardstick = blobs.map((b) => `{ gzip -dc '${b}' | tar -t > /dev/null 2>&1 || true; }`).join('; ');
  const y = [];
  const a = [];
  const rss = [];
  for (let i = 0; i < runs; i++) {
    y.push((await timed('bash', ['-c', yardstick])).ms);
    const r = await timed(process.execPath, [path.join(root, 'bin', 'aigis.js'), 'scan', '-f', 'json', '-o', '/dev/null', '--fail-on', 'none', img.archive]);
    a.push(r.ms);
    if (r.rssMB) rss.push(r.rssMB);
  }
  const row = {
    mb,
    files: img.files,
    uncompressedMB: img.uncompressed / 1048576,
    archiveMB: fs.statSync(img.archive).size / 1048576,
    yardstickMs: median(y),
    aigisMs: median(a),
    peakRssMB: rss.length ? Math.max(...rss) : undefined,
  };
  rows.push(row);
  console.log(
    `images-${mb}: ${row.files} files, ${row.uncompressedMB.toFixed(0)} MB uncompressed in ${blobs.length} gzip layers (${row.archiveMB.toFixed(0)} MB archive); ` +
      `runs ${runs}: yardstick ${y.map((x) => (x / 1000).toFixed(2)).join('/')} s, aigis ${a.map((x) => (x / 1000).toFixed(2)).join('/')} s`,
  );
}
console.log('');
console.log('| image | files | uncompressed | gzip -dc + tar -t | aigis scan | ratio | aigis peak RSS |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| images-${r.mb} | ${r.files} | ${r.uncompressedMB.toFixed(0)} MB | ${(r.yardstickMs / 1000).toFixed(2)} s | ${(r.aigisMs / 1000).toFixed(2)} s | ${(r.aigisMs / r.yardstickMs).toFixed(2)}× | ${r.peakRssMB ? `${r.peakRssMB.toFixed(0)} MB` : '?'} |`,
  );
}
