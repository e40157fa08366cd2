/** The run's event timeline: service actions, faults with their measured effect, drill steps, aborts. */
import type { TimelineEvent } from '../report/report-schema.ts';

export class Timeline {
  readonly events: TimelineEvent[] = [];
  private listeners: ((event: TimelineEvent) => void)[] = [];

  /** `originMs`: epoch ms that `tMs` offsets count from (the start of the load). */
  constructor(public originMs: number) {}

  add(event: Omit<TimelineEvent, 'tMs' | 'atMs'> & { atMs?: number }): TimelineEvent {
    const atMs = event.atMs ?? Date.now();
    const full: TimelineEvent = { ...event, atMs, tMs: atMs - this.originMs };
    this.events.push(full);
    for (const listener of this.listeners) listener(full);
    return full;
  }

  onEvent(listener: (event: TimelineEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Offsets re-based once the load starts (events before it get negative tMs). */
  rebase(originMs: number): void {
    this.originMs = originMs;
    for (const event of this.events) event.tMs = event.atMs - originMs;
  }
}
