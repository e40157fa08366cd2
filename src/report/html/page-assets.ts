/**
 * The scripts and styles every HTML page inlines: uPlot (MIT, from node_modules) and drill's page style and
 * chart script (`assets/`). Read once per process. Pages load nothing at view time: no network, no fonts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PageAssets {
  css: string;
  js: string;
}

const require = createRequire(import.meta.url);
let cached: PageAssets | undefined;

/** `assets/` beside this file: in the sources, or in a build (`npm run build` copies the folder next to the compiled module). */
function assetsDir(): string {
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
}

export function pageAssets(): PageAssets {
  if (cached) return cached;
  const dir = assetsDir();
  const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const uplotLicence = readFileSync(path.join(path.dirname(require.resolve('uplot/package.json')), 'LICENSE'), 'utf8');
  cached = {
    css: `${uplotCss}\n${readFileSync(path.join(dir, 'page.css'), 'utf8')}`,
    // uPlot's MIT licence travels with its code.
    js: `/*! uPlot ${uplotLicence.replace(/\*\//g, '* /')} */\n${uplotJs}\n${readFileSync(path.join(dir, 'charts.js'), 'utf8')}`,
  };
  return cached;
}

/** Text for inside a `<script>`/`<style>`: a literal closing tag would end the element early. */
export function inlineSafe(text: string, tag: 'script' | 'style'): string {
  return text.replace(new RegExp(`</${tag}`, 'gi'), `<\\/${tag}`);
}
