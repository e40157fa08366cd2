/**
 * Which packages of `node_modules` a fixture image needs: the packages the compiled fixtures import, and
 * everything those depend on, resolved through `package-lock.json` the way Node resolves (nearest
 * `node_modules` first). Dev tools, the harness's own dependencies and build leftovers of native addons stay out.
 */
import { isBuiltin } from 'node:module';

/** The part of a `package-lock.json` (lockfile version 2 or 3) this reads. */
export interface PackageLock {
  packages: Record<
    string,
    { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; link?: boolean; optional?: boolean }
  >;
}

/** Specifiers of `import … from 'x'`, `import 'x'`, `export … from 'x'` and `import('x')` in compiled JavaScript. */
export function importSpecifiers(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"\n]+)\1/g;
  return [...source.matchAll(pattern)].map((m) => m[2]!);
}

/** The package a bare specifier names (`@scope/pkg/sub` → `@scope/pkg`), or undefined for relative paths and builtins. */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:') || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Lock keys (`node_modules/a`, `node_modules/a/node_modules/b`) of `roots` and all they depend on, sorted. */
export function dependencyClosure(lock: PackageLock, roots: string[]): string[] {
  const seen = new Set<string>();
  const pending: string[] = [];
  for (const root of roots) {
    const key = resolveInLock(lock, root, '');
    if (!key) throw new Error(`package "${root}" is imported by a fixture but is not in package-lock.json; add it to dependencies`);
    pending.push(key);
  }
  while (pending.length > 0) {
    const key = pending.pop()!;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = lock.packages[key]!;
    for (const name of Object.keys(entry.dependencies ?? {})) {
      const resolved = resolveInLock(lock, name, key);
      if (!resolved) throw new Error(`${key} depends on "${name}", which package-lock.json does not hold`);
      pending.push(resolved);
    }
    // An optional dependency may be absent on this platform: take it only when the lock has it.
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      const resolved = resolveInLock(lock, name, key);
      if (resolved) pending.push(resolved);
    }
  }
  return [...seen].sort();
}

/** The lock key `name` resolves to from the package at `fromKey` ('' for the project itself). */
function resolveInLock(lock: PackageLock, name: string, fromKey: string): string | undefined {
  let base = fromKey;
  for (;;) {
    const key = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[key]) return key;
    if (!base) return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut < 0 ? '' : base.slice(0, cut);
  }
}

/**
 * Whether a file of a package belongs in the image. For a native addon (a package with `binding.gyp`) only the
 * compiled `.node` files of its build are kept, not its C sources or the objects they were built from.
 */
export function isRuntimeFile(relativePath: string, nativeAddon: boolean): boolean {
  const parts = relativePath.split('/');
  if (/\.(?:md|map|d\.[cm]?ts)$/i.test(relativePath)) return false;
  if (!nativeAddon) return true;
  const top = parts[0];
  if (top === 'deps' || top === 'src') return false;
  if (top === 'build')
    return parts.length === 1 || (parts[1] === 'Release' && (parts.length === 2 || (parts.length === 3 && parts[2]!.endsWith('.node'))));
  return true;
}
