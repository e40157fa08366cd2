import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PortReservations } from './port-reservations.ts';

const dirs: string[] = [];
const lockDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-port-locks-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A pid that certainly names no live process: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('PortReservations', () => {
  it('never hands the same port to two owners of one lock dir, even in a 16-port range', async () => {
    const dir = lockDir();
    const range = { low: 24_000, high: 24_015 };
    const a = new PortReservations(dir, range);
    const b = new PortReservations(dir, range);
    const ports = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).reserve('tcp')));
    expect(new Set(ports).size).toBe(16);
    await expect(a.reserve('tcp')).rejects.toThrow(/No free port left in 24000-24015/);
    a.releaseAll();
    expect(readdirSync(dir)).toHaveLength(8);
    const again = await b.reserve('udp');
    expect(ports.filter((_, i) => i % 2)).toContain(again);
  });

  it('takes over a lock whose owner process is gone, and keeps off one whose owner lives', async () => {
    const dir = lockDir();
    const reservations = new PortReservations(dir, { low: 24_100, high: 24_101 });
    // Written after the opening sweep: a run killed while this one was already going.
    writeFileSync(path.join(dir, '24100'), `${deadPid()} 1`);
    writeFileSync(path.join(dir, '24101'), `${process.pid}`);
    expect(await reservations.reserve()).toBe(24_100);
    await expect(reservations.reserve()).rejects.toThrow(/No free port/);
    reservations.release(24_100);
    expect(existsSync(path.join(dir, '24100'))).toBe(false);
    expect(existsSync(path.join(dir, '24101'))).toBe(true);
  });

  it('sweeps the locks of dead owners when it opens, and leaves the living ones', () => {
    const dir = lockDir();
    writeFileSync(path.join(dir, '24300'), `${deadPid()} 1`);
    writeFileSync(path.join(dir, '24301'), `${process.pid}`);
    new PortReservations(dir, { low: 24_300, high: 24_301 });
    expect(readdirSync(dir)).toEqual(['24301']);
  });

  it('skips a port that something outside drill is listening on, and leaves no lock for it', async () => {
    const dir = lockDir();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(24_200, '127.0.0.1', resolve));
    try {
      const reservations = new PortReservations(dir, { low: 24_200, high: 24_201 });
      expect(await reservations.reserve()).toBe(24_201);
      expect(readdirSync(dir)).toEqual(['24201']);
    } finally {
      squatter.close();
    }
  });
});
