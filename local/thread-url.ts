/**
 * A worker thread's compiled file in local/: from source (the tests), its compiled twin in dist/,
 * which the test setup builds, since a worker thread cannot run TypeScript.
 */
export function threadUrl(file: string): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts') ? new URL(`../dist/local/${file}`, here) : new URL(`./${file}`, here);
}
