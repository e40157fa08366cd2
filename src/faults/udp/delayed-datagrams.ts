/** Datagrams held until a time each, released independently (they may overtake each other). */
import type { ScheduledTask, Scheduler } from '../scheduler.ts';

interface Held {
  datagram: Buffer;
  task: ScheduledTask;
}

export class DelayedDatagrams {
  private readonly held = new Set<Held>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly release: (datagram: Buffer) => void,
  ) {}

  hold(datagram: Buffer, dueMs: number): void {
    const entry: Held = {
      datagram,
      task: this.scheduler.at(dueMs, () => {
        this.held.delete(entry);
        this.release(datagram);
      }),
    };
    this.held.add(entry);
  }

  /** Releases everything now, earliest due first. */
  flush(): void {
    const entries = [...this.held].sort((a, b) => a.task.dueMs - b.task.dueMs);
    this.clear();
    for (const entry of entries) this.release(entry.datagram);
  }

  clear(): void {
    for (const entry of this.held) entry.task.cancel();
    this.held.clear();
  }
}
