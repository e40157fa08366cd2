/**
 * The gateway's embedded relay (wavry-gateway `relay.rs`) over real UDP: REQUEST_RELAY grants, slot binding (a second
 * Client takes the free host slot), forwarding, the ACK of every renew, the 2000 packets/s limit per IP and the
 * 300 s ban after 5 failed presentations. Striking and flooding sources use their own loopback addresses.
 */
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayAuthResponse, GatewayHealth } from '../../src/wire/wavry.ts';
import { PACKET_TYPE, decodeHeader, decodeLeaseReject, encodeLeasePresent, encodePacket } from '../../fixtures/wavry-common/relay-codec.ts';
import { freePort } from '../../src/runtime/free-port.ts';
import { startFixture, type FixtureProcess } from '../helpers/fixture-process.ts';
import { account, post, WsClient } from '../helpers/gateway-ws-client.ts';

const udpSocket = (address = '127.0.0.1') =>
  new Promise<dgram.Socket>((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, address, () => resolve(socket));
  });
const portOf = (address: string) => Number(address.split(':')[1]);
const nextPacket = (socket: dgram.Socket) => new Promise<Buffer>((resolve) => socket.once('message', resolve));

/** Sends `packet` to the relay and names its answer: 'ack' or the reject reason. */
async function relayReply(socket: dgram.Socket, relay: string, packet: Buffer, timeoutMs = 2_000): Promise<string> {
  const reply = new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reply from the relay')), timeoutMs);
    socket.once('message', (message) => {
      clearTimeout(timer);
      resolve(message);
    });
  });
  socket.send(packet, portOf(relay), '127.0.0.1');
  const decoded = decodeHeader(await reply);
  if (!decoded.ok) return 'unreadable';
  if (decoded.header.type === PACKET_TYPE.LeaseAck) return 'ack';
  return decodeLeaseReject(decoded.payload) ?? `type ${decoded.header.type}`;
}

describe('gateway embedded relay', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wavry-gateway-relay-test-'));
  let gateway: FixtureProcess;
  let base: string;
  const clients: WsClient[] = [];
  const health = async () => (await (await fetch(`${base}/health`)).json()) as GatewayHealth;
  const bound = async (username: string) => {
    const registered = await post(`${base}/auth/register`, account(username));
    const { token } = (await registered.json()) as GatewayAuthResponse;
    const client = await WsClient.open(`${base.replace('http', 'ws')}/ws`);
    clients.push(client);
    client.send({ type: 'Bind', payload: { token } });
    expect(await client.next()).toEqual({ type: 'Bound' });
    return client;
  };

  beforeAll(async () => {
    const [port, relayPort] = [await freePort(), await freePort('udp')];
    base = `http://127.0.0.1:${port}`;
    gateway = await startFixture(
      'gateway',
      {
        WAVRY_GATEWAY_BIND_ADDR: `127.0.0.1:${port}`,
        WAVRY_GATEWAY_DB: path.join(dir, 'gateway.db'),
        WAVRY_GATEWAY_RELAY_BIND_ADDR: `127.0.0.1:${relayPort}`,
        WAVRY_RELAY_PUBLIC_ADDR: `127.0.0.1:${relayPort}`,
      },
      { readyUrl: `${base}/health` },
    );
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('grants embedded relay sessions: peers bind slots (a second client takes the free host slot) and forward', async () => {
    const erin = await bound(`erin-${randomUUID().slice(0, 8)}`);
    const frank = await bound('frank');
    erin.send({ type: 'REQUEST_RELAY', payload: { target_username: 'frank' } });
    const [mine, theirs] = await Promise.all([erin.next(), frank.next()]);
    expect(mine).toMatchObject({ type: 'RELAY_CREDENTIALS', payload: { token: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const grant = (mine as { payload: { token: string; addr: string; session_id: string } }).payload;
    expect(theirs).toEqual({ type: 'RELAY_CREDENTIALS', payload: grant });
    expect((await health()).active_relay_sessions).toBe(1);
    const [a, b, c] = await Promise.all([udpSocket(), udpSocket(), udpSocket()]);
    const relay = grant.addr;
    try {
      for (const socket of [a, b]) expect(await relayReply(socket, relay, encodeLeasePresent(grant.session_id, 'client', grant.token))).toBe('ack');
      expect(await relayReply(c, relay, encodeLeasePresent(grant.session_id, 'client', grant.token))).toBe('SessionFull');
      const payload = Buffer.alloc(12);
      payload.writeBigUInt64BE(1n);
      const forwarded = nextPacket(b);
      a.send(encodePacket(PACKET_TYPE.Forward, grant.session_id, payload), portOf(relay), '127.0.0.1');
      expect((await forwarded).subarray(20)).toEqual(payload);
      // Every renew is ACKed, for a session the relay never granted too.
      expect(await relayReply(c, relay, encodePacket(PACKET_TYPE.LeaseRenew, randomUUID()))).toBe('ack');
    } finally {
      for (const socket of [a, b, c]) socket.close();
    }
    erin.close();
    frank.close();
  });

  it('drops what one IP sends the embedded relay beyond 2000 packets a second, unanswered', async () => {
    const erin = await bound(`erin-${randomUUID().slice(0, 8)}`);
    erin.send({ type: 'REQUEST_RELAY', payload: { target_username: 'nobody-online' } });
    const grant = ((await erin.next()) as { payload: { addr: string } }).payload;
    const flooder = await udpSocket('127.0.3.8');
    let acks = 0;
    flooder.on('message', () => (acks += 1));
    try {
      // 3000 renews in about 0.4 s, each of which would be ACKed: at most 2000 are. (A busy machine may lose some
      // datagrams on the way too, hence the floor well above what losses could explain but far below 3000.)
      const startedMs = Date.now();
      for (let i = 0; i < 3_000; i += 1) {
        flooder.send(encodePacket(PACKET_TYPE.LeaseRenew, randomUUID()), portOf(grant.addr), '127.0.0.1');
        if (i % 100 === 99) await new Promise((r) => setTimeout(r, 10));
      }
      expect(Date.now() - startedMs, 'the flood must fit in one 1 s window').toBeLessThan(900);
      await new Promise((r) => setTimeout(r, 300));
      expect(acks).toBeLessThanOrEqual(2_000);
      expect(acks).toBeGreaterThan(1_500);
    } finally {
      flooder.close();
    }
    erin.close();
  });

  it('bans an IP from the embedded relay for 300 s after 5 failed presentations', async () => {
    const erin = await bound(`erin-${randomUUID().slice(0, 8)}`);
    erin.send({ type: 'REQUEST_RELAY', payload: { target_username: 'nobody-online' } });
    const grant = ((await erin.next()) as { payload: { token: string; addr: string; session_id: string } }).payload;
    // The striking source address is its own loopback IP, so the ban hits nothing else in this file.
    const striker = await udpSocket('127.0.3.7');
    try {
      for (let i = 0; i < 5; i += 1) {
        expect(await relayReply(striker, grant.addr, encodeLeasePresent(grant.session_id, 'client', 'f'.repeat(64)))).toBe('InvalidSignature');
      }
      await expect(relayReply(striker, grant.addr, encodeLeasePresent(grant.session_id, 'client', grant.token), 400)).rejects.toThrow('no reply');
    } finally {
      striker.close();
    }
    erin.close();
  });

});
