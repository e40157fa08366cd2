import { describe, expect, it } from 'vitest';
import { expandTemplate, type TemplateValues } from './env-template.ts';

const values: TemplateValues = {
  ports: { http: 8080 },
  links: { bridge: { http: '127.0.0.1:9001', control: '127.0.0.1:9002' } },
  release: '1.4.0',
  dataDir: '/runs/x/services/bot',
  service: 'bot',
};

describe('expandTemplate', () => {
  it('expands ports, links, release, dataDir and service', () => {
    expect(expandTemplate('ws://${links.bridge.http}/v1 on ${ports.http} r${release} ${dataDir}/db ${service}', values)).toEqual({
      value: 'ws://127.0.0.1:9001/v1 on 8080 r1.4.0 /runs/x/services/bot/db bot',
    });
  });

  it('explains what is available when a template does not resolve', () => {
    expect(expandTemplate('${ports.metrics}', values)).toEqual({ error: 'cannot resolve ${ports.metrics}: this service has ports http' });
    expect(expandTemplate('${links.master.http}', values)).toEqual({ error: 'cannot resolve ${links.master.http}: this service links to bridge' });
    expect(expandTemplate('${links.bridge.udp}', values)).toEqual({ error: 'cannot resolve ${links.bridge.udp}: bridge has ports http, control' });
    expect('error' in expandTemplate('${nope}', values)).toBe(true);
  });

  it('gives the host or the port of a link alone', () => {
    expect(expandTemplate('${links.bridge.http.host} ${links.bridge.http.port}', values)).toEqual({ value: '127.0.0.1 9001' });
    expect(expandTemplate('${target.redis.port}', { ...values, target: { redis: '[::1]:6390' } })).toEqual({ value: '6390' });
    expect('error' in expandTemplate('${links.bridge.http.scheme}', values)).toBe(true);
  });

  it('leaves text without templates alone', () => {
    expect(expandTemplate('plain $HOME value', values)).toEqual({ value: 'plain $HOME value' });
  });
});
