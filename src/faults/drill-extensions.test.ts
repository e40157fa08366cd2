import { describe, expect, it } from 'vitest';
import { drillExtensionsNeeded, parseServerInfo } from './drill-extensions.ts';

describe('drillExtensionsNeeded', () => {
  it('lists UDP proxies and drill-only toxics, nothing for a plain TCP setup', () => {
    expect(
      drillExtensionsNeeded({
        proxies: [{ name: 'db', protocol: 'tcp' }, { name: 'media', protocol: 'udp' }, { name: 'api' }],
        toxics: [
          { proxy: 'db', type: 'latency' },
          { proxy: 'media', type: 'loss' },
          { proxy: 'media', type: 'reorder' },
        ],
      }),
    ).toEqual(['UDP proxy media', 'loss toxic on media', 'reorder toxic on media']);
    expect(drillExtensionsNeeded({ proxies: [{ name: 'db' }], toxics: [{ proxy: 'db', type: 'timeout' }] })).toEqual([]);
  });
});

describe('parseServerInfo', () => {
  it('reads JSON versions, drill markers and plain-text versions', () => {
    expect(parseServerInfo('{"version": "2.12.0"}\n')).toEqual({ version: '2.12.0', drill: false, extensions: [] });
    expect(parseServerInfo('{"version":"2.12.0+drill","drill":{"extensions":["udp"]}}')).toEqual({
      version: '2.12.0+drill',
      drill: true,
      extensions: ['udp'],
    });
    expect(parseServerInfo('2.1.4\n')).toEqual({ version: '2.1.4', drill: false, extensions: [] });
  });
});
