/**
 * Loopback ports for services, reserved across every drill process on the machine.
 *
 * A port picked by binding port 0 and closing again is free only for a moment: a second run picking at the same
 * time can be handed the same number, and any outgoing connection may take it as its source port before the
 * service binds it (the kernel's bind-0 and connect both draw from the ephemeral range). So ports come from a
 * range below the ephemeral one, and each is claimed with a lock file created exclusively and naming its owner
 * pid. A lock whose owner is gone (a harness killed with SIGKILL) is taken over; a port something outside drill
 * holds is skipped after a bind check.
 */
import dgram from 'node:dgram';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { InfrastructureError, UsageError } from '../common/errors.ts';
import { isSameProcessAlive, processStartTicks } from './process-info.ts';

export type PortProtocol = 'tcp' | 'udp';

export interface PortRange {
  low: number;
  high: number;
}

/** Where the lock files live: shared by every drill process of this user, whatever its state dir. */
export function defaultPortLockDir(): string {
  return process.env.DRILL_PORT_DIR ?? path.join(os.tmpdir(), `drill-ports-${process.getuid?.() ?? 0}`);
}

/** `DRILL_PORT_RANGE=low-high`, else the 12,000 ports below the kernel's ephemeral range. */
export function defaultPortRange(): PortRange {
  const configured = process.env.DRILL_PORT_RANGE;
  if (configured) {
    const match = /^(\d+)-(\d+)$/.exec(configured.trim());
    const [low, high] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
    if (!(low >= 1024 && high <= 65_535 && high - low >= 16)) {
      throw new UsageError(`DRILL_PORT_RANGE must be "low-high" within 1024-65535 and at least 16 ports wide, got "${configured}"`);
    }
    return { low, high };
  }
  let ephemeralLow = 32_768;
  try {
    ephemeralLow = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || ephemeralLow;
  } catch {
    // Not Linux: the IANA ephemeral range starts at 49152, so 32768 stays below it too.
  }
  const high = ephemeralLow - 1;
  return { low: Math.max(1024, high - 12_000), high };
}

function canBind(protocol: PortProtocol, port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, host, () => socket.close(() => resolve(true)));
      return;
    }
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export class PortReservations {
  private readonly held = new Set<number>();
  private readonly owner = `${process.pid} ${processStartTicks(process.pid) ?? ''}`;

  constructor(
    private readonly lockDir = defaultPortLockDir(),
    private readonly range = defaultPortRange(),
  ) {
    mkdirSync(lockDir, { recursive: true });
    this.sweepDeadOwners();
  }

  /** A port free for `protocol` on `host` and claimed for this process until released or the process ends. */
  async reserve(protocol: PortProtocol = 'tcp', host = '127.0.0.1'): Promise<number> {
    const size = this.range.high - this.range.low + 1;
    const start = Math.floor(Math.random() * size);
    for (let i = 0; i < size; i++) {
      const port = this.range.low + ((start + i) % size);
      if (!this.claim(port)) continue;
      if (await canBind(protocol, port, host)) return port;
      this.release(port);
    }
    throw new InfrastructureError(
      `No free port left in ${this.range.low}-${this.range.high} (locks in ${this.lockDir}). Set DRILL_PORT_RANGE to a wider range.`,
    );
  }

  release(port: number): void {
    if (!this.held.delete(port)) return;
    rmSync(this.lockFile(port), { force: true });
  }

  releaseAll(): void {
    for (const port of [...this.held]) this.release(port);
  }

  private lockFile(port: number): string {
    return path.join(this.lockDir, String(port));
  }

  private claim(port: number): boolean {
    if (this.held.has(port)) return false;
    const file = this.lockFile(port);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, this.owner);
        closeSync(fd);
        this.held.add(port);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !this.ownerIsGone(file)) return false;
        rmSync(file, { force: true });
      }
    }
    return false;
  }

  /** Removes the locks of processes that ended without releasing them (killed by a signal). */
  private sweepDeadOwners(): void {
    for (const name of readdirSync(this.lockDir)) {
      const file = path.join(this.lockDir, name);
      if (/^\d+$/.test(name) && this.ownerIsGone(file)) rmSync(file, { force: true });
    }
  }

  private ownerIsGone(file: string): boolean {
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      return true;
    }
    const [pid, ticks] = content.split(' ');
    // An empty file is a claim being written right now by another process.
    if (!pid) return false;
    return !isSameProcessAlive(Number(pid), ticks ? Number(ticks) : undefined);
  }
}

let shared: PortReservations | undefined;

/** The process-wide reservations; their lock files are removed when the process exits. */
export function portReservations(): PortReservations {
  if (!shared) {
    const reservations = new PortReservations();
    process.once('exit', () => reservations.releaseAll());
    shared = reservations;
  }
  return shared;
}
