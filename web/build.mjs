// Build: bundle src/ into static/dist/ with content-hashed names and write manifest.json, which the
// Flask pages read to link the current files. Run with `npm run build` (the Makefile does).

import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, 'static', 'dist');

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });

const entryPoints = { app: 'src/app.js', portal: 'src/portal.js', editors: 'src/styles/editors.css' };
const result = await build({
  absWorkingDir: here,
  entryPoints,
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: false,
  legalComments: 'linked',
  outdir,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunks/[name]-[hash]',
  assetNames: 'assets/[name]-[hash]',
  loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file' },
  metafile: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});

const manifest = {};
for (const [file, info] of Object.entries(result.metafile.outputs)) {
  const name = Object.keys(entryPoints).find((key) => entryPoints[key] === info.entryPoint);
  if (!name) continue; // chunks loaded on demand
  const logical = info.entryPoint.endsWith('.css') ? `${name}.css` : `${name}.js`;
  manifest[logical] = path.relative(outdir, path.join(here, file));
  if (info.cssBundle) manifest[`${name}.css`] = path.relative(outdir, path.join(here, info.cssBundle));
}
await writeFile(path.join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log('web build:', Object.entries(manifest).map(([k, v]) => `${k} → ${v}`).join(', '));

// The API reference page (/api/docs) uses RapiDoc, served from here like everything else. Its bundle
// loads its font from Google's servers: it gets Vazirmatn (Latin and Persian), copied beside it.
const vendor = path.join(outdir, 'vendor');
const rapidoc = path.join(here, 'node_modules', 'rapidoc', 'dist');
await mkdir(vendor, { recursive: true });
const font = 'Vazirmatn-Regular.woff2';
await copyFile(path.join(here, 'node_modules', 'vazirmatn', 'fonts', 'webfonts', font), path.join(vendor, font));
const script = await readFile(path.join(rapidoc, 'rapidoc-min.js'), 'utf8');
await writeFile(path.join(vendor, 'rapidoc-min.js'),
  script.replace(/https:\/\/fonts\.gstatic\.com\/[^)'"]*/g, `/static/dist/vendor/${font}`));
await copyFile(path.join(rapidoc, 'rapidoc-min.js.LICENSE.txt'), path.join(vendor, 'rapidoc-min.js.LICENSE.txt'));

// Precompressed twins: `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) beside every text file,
// which the static route sends to browsers that accept them (web/assets.py). Fonts in woff/woff2 and
// images are compressed already; a twin that would not be smaller is not written. Brotli at quality 11
// takes seconds a megabyte, so twins are kept by content hash in node_modules/.cache: a rebuild only
// compresses the files that changed (the editors' large chunks seldom do), on the thread pool.
const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);
const TEXT = new Set(['.js', '.mjs', '.css', '.svg', '.json', '.map', '.txt', '.html', '.xml', '.ttf', '.eot']);
const MIN_BYTES = 256;
const cache = path.join(here, 'node_modules', '.cache', 'ravand-precompress');

async function textFiles(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...await textFiles(full));
    else if (TEXT.has(path.extname(entry.name).toLowerCase())) found.push(full);
  }
  return found;
}

const used = new Set();

async function cached(key, make) {
  used.add(key);
  const file = path.join(cache, key);
  try {
    return await readFile(file);
  } catch {
    const made = await make();
    const temporary = `${file}.${process.pid}.tmp`;
    try { // best effort: another build at the same time may prune the folder
      await writeFile(temporary, made);
      await rename(temporary, file);
    } catch {
      await rm(temporary, { force: true });
    }
    return made;
  }
}

async function precompress(file) {
  const plain = await readFile(file);
  if (plain.length < MIN_BYTES) return [plain.length, plain.length, plain.length];
  const text = !['.ttf', '.eot'].includes(path.extname(file));
  const hash = createHash('sha256').update(plain).digest('hex');
  const [br, gz] = await Promise.all([
    cached(`${hash}.br11`, () => brotli(plain, { params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_MODE]: text ? zlib.constants.BROTLI_MODE_TEXT : zlib.constants.BROTLI_MODE_GENERIC,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
    } })),
    cached(`${hash}.gz9`, () => gzip(plain, { level: 9 })),
  ]);
  if (br.length < plain.length) await writeFile(`${file}.br`, br);
  if (gz.length < plain.length) await writeFile(`${file}.gz`, gz);
  return [plain.length, Math.min(br.length, plain.length), Math.min(gz.length, plain.length)];
}

const started = performance.now();
await mkdir(cache, { recursive: true });
const sizes = await Promise.all((await textFiles(outdir)).map(precompress));
for (const name of await readdir(cache)) { // twins of files no longer built
  if (!used.has(name) && !name.endsWith('.tmp')) await rm(path.join(cache, name), { force: true });
}
const total = (i) => sizes.reduce((sum, row) => sum + row[i], 0);
const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
console.log(`web build: ${sizes.length} text files, ${mb(total(0))} → brotli ${mb(total(1))}, gzip ${mb(total(2))}`
  + ` (${Math.round(performance.now() - started)} ms)`);
