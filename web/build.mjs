// Build: bundle src/ into static/dist/ with content-hashed names and write manifest.json, which the
// Flask pages read to link the current files. Run with `npm run build` (the Makefile does).

import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
