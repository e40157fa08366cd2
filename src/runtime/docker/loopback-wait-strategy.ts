/**
 * Base of drill's testcontainers wait strategies. With host networking a container listens on a loopback port
 * of its own choosing and has no mapped port, so testcontainers' own strategies have nothing to wait on; a
 * subclass probes the port itself and this class keeps the startup timeout testcontainers sets and reads.
 */
import type { WaitStrategy } from 'testcontainers';

export abstract class LoopbackWaitStrategy implements WaitStrategy {
  private startupTimeoutSet = false;

  constructor(protected startupTimeoutMs: number) {}

  abstract waitUntilReady(...args: Parameters<WaitStrategy['waitUntilReady']>): Promise<void>;

  withStartupTimeout(startupTimeoutMs: number): this {
    this.startupTimeoutMs = startupTimeoutMs;
    this.startupTimeoutSet = true;
    return this;
  }

  isStartupTimeoutSet(): boolean {
    return this.startupTimeoutSet;
  }

  getStartupTimeout(): number {
    return this.startupTimeoutMs;
  }
}
