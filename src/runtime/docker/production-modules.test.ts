import { describe, expect, it } from 'vitest';
import { dependencyClosure, importSpecifiers, isRuntimeFile, packageOfSpecifier, type PackageLock } from './production-modules.ts';

describe('importSpecifiers', () => {
  it('finds static, side-effect, re-export and dynamic imports', () => {
    const source = `import { z } from 'zod';\nimport 'ws';\nexport * from "./a.js";\nconst m = await import('./bot.js');\nimport{x}from'@scope/pkg/sub';`;
    expect(importSpecifiers(source)).toEqual(['zod', 'ws', './a.js', './bot.js', '@scope/pkg/sub']);
  });
});

describe('packageOfSpecifier', () => {
  it('names the package of bare specifiers only', () => {
    expect(packageOfSpecifier('@scope/pkg/sub/path.js')).toBe('@scope/pkg');
    expect(packageOfSpecifier('ws/lib/x.js')).toBe('ws');
    expect(packageOfSpecifier('node:http')).toBeUndefined();
    expect(packageOfSpecifier('fs')).toBeUndefined();
    expect(packageOfSpecifier('./a.js')).toBeUndefined();
  });
});

describe('dependencyClosure', () => {
  const lock: PackageLock = {
    packages: {
      'node_modules/a': { dependencies: { b: '^1', c: '^1' }, optionalDependencies: { missing: '^1' } },
      'node_modules/a/node_modules/b': { dependencies: { c: '^2' } },
      'node_modules/b': {},
      'node_modules/c': {},
      'node_modules/dev-only': {},
    },
  };

  it('resolves nearest node_modules first, follows transitive dependencies and skips absent optional ones', () => {
    expect(dependencyClosure(lock, ['a'])).toEqual(['node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/c']);
  });

  it('names a root the lock does not hold', () => {
    expect(() => dependencyClosure(lock, ['nope'])).toThrow(/"nope" is imported by a fixture but is not in package-lock.json/);
  });
});

describe('isRuntimeFile', () => {
  it('keeps only the compiled addon of a native package', () => {
    expect(isRuntimeFile('lib/index.js', true)).toBe(true);
    expect(isRuntimeFile('build/Release/better_sqlite3.node', true)).toBe(true);
    expect(isRuntimeFile('build/Release/obj.target/x.o', true)).toBe(false);
    expect(isRuntimeFile('deps/sqlite3/sqlite3.c', true)).toBe(false);
    expect(isRuntimeFile('src/util.js', false)).toBe(true);
    expect(isRuntimeFile('README.md', false)).toBe(false);
  });
});
