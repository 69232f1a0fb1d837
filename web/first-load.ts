import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** What a browser must fetch before the page runs: the entry script, preloaded modules, styles. */
export function firstLoadAssets(html: string): string[] {
  const assets = new Set<string>();
  for (const match of html.matchAll(/<(script|link)\b[^>]*>/g)) {
    const tag = match[0];
    const url = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1];
    if (!url || /^[a-z]+:/i.test(url)) continue;
    const isScript = match[1] === 'script';
    const isPreload = /rel="(?:modulepreload|stylesheet)"/.test(tag);
    if ((isScript || isPreload) && /\.(?:js|css)$/.test(url)) assets.add(url.replace(/^\.\//, ''));
  }
  return [...assets];
}

/** Gzipped size in bytes of the page's first load (JavaScript and CSS), as served from `outDir`. */
export function firstLoadBytes(outDir: string): { files: string[]; bytes: number } {
  const files = firstLoadAssets(readFileSync(join(outDir, 'index.html'), 'utf8'));
  const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(outDir, file))).length, 0);
  return { files, bytes };
}
