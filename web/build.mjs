// Build: bundle src/ into static/dist/ with content-hashed names and write manifest.json, which the
// Flask pages read to link the current files. Run with `npm run build` (the Makefile does).

import { build } from 'esbuild';
import { mkdir, rm, writeFile } from 'node:fs/promises';
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
