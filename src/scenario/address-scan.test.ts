import { describe, expect, it } from 'vitest';
import { findAddresses } from './address-scan.ts';
import { isLoopbackHost } from '../common/loopback.ts';

const hosts = (text: string) => findAddresses(text).map((a) => a.host);

describe('findAddresses', () => {
  it('finds URLs with any network host, template ports included', () => {
    expect(hosts('http://8.8.8.8:1')).toEqual(['8.8.8.8']);
    expect(hosts('--upstream=https://user:secret@API.Example.com/v1')).toEqual(['api.example.com']);
    expect(hosts('ws://[2001:db8::1]:9000/x')).toEqual(['2001:db8::1']);
    expect(hosts('redis://cache:6379/0')).toEqual(['cache']);
    expect(hosts('http://10.0.0.5:${ports.http}/health')).toEqual(['10.0.0.5']);
    expect(hosts('http://127.0.0.1:8080 http://localhost:1')).toEqual(['127.0.0.1', 'localhost']);
  });

  it('finds host:port with an IP literal or a dotted host name', () => {
    expect(hosts('10.0.0.5:80')).toEqual(['10.0.0.5']);
    expect(hosts('--listen=0.0.0.0:${ports.http}')).toEqual(['0.0.0.0']);
    expect(hosts('peers=127.0.0.1:1,db.internal.example:5432')).toEqual(['127.0.0.1', 'db.internal.example']);
    expect(hosts('[fe80::1]:443')).toEqual(['fe80::1']);
    expect(hosts('ssh admin@192.168.1.20:22')).toEqual(['192.168.1.20']);
  });

  it('leaves versions, phone numbers, times, ratios, keys and templates alone', () => {
    for (const text of [
      '1.4.0',
      'v1.4.0:80',
      '+15550000001',
      '10:30',
      '2026-11-23T10:30:00Z',
      '16:9',
      'level:3',
      'sha256:0a1b2c',
      '${links.bridge.http}',
      'http://${links.bridge.http}/v1',
      'file:///var/data/x.db',
      'sqlite:///tmp/drill.db',
      'aa:bb:cc:dd:ee:ff',
      '10.0.0.5:99999',
      '127.0.0.1',
    ]) {
      expect(findAddresses(text), text).toEqual([]);
    }
  });
});

describe('findAddresses: where a client would really go', () => {
  it.each([
    ['http://10.0.0.5\\@127.0.0.1/', '10.0.0.5'],
    ['http://127.0.0.1\t@10.0.0.5/', '10.0.0.5'],
    ['http://10.0.0.5\t@127.0.0.1/', '10.0.0.5'],
    ['0x0a000001:80', '10.0.0.1'],
    ['167772161:80', '10.0.0.1'],
    ['10.1:80', '10.0.0.1'],
    ['012.0.0.1:80', '10.0.0.1'],
    ['--peer=//10.0.0.5:80/x', '10.0.0.5'],
    ['http://0x7f.1@0x0a000001/', '10.0.0.1'],
  ])('%j reaches %s', (text, host) => {
    expect(hosts(text)).toContain(host);
  });

  it('reports an address it cannot read instead of passing it', () => {
    expect(findAddresses('[fe80::1%eth0]:80')).toEqual([expect.objectContaining({ host: '', problem: expect.stringContaining('fe80::1%eth0') })]);
    expect(findAddresses('http://[fe80::1%eth0]:80/')).toContainEqual(expect.objectContaining({ host: '', problem: expect.any(String) }));
  });

  it('reads loopback written in other forms as loopback', () => {
    expect(hosts('127.1:80')).toEqual(['127.0.0.1']);
    expect(hosts('2130706433:80')).toEqual(['127.0.0.1']);
    expect(hosts('http://[::ffff:127.0.0.1]:80/').every((host) => isLoopbackHost(host))).toBe(true);
  });
});
