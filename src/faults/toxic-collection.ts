/**
 * The toxics of one proxy, in the order they were added, and the listeners (open connections and UDP sessions)
 * that apply every change at once. A chain per stream runs in add order, as Toxiproxy's does.
 */
import { ApiError } from './api-error.ts';
import { checkRoom, MAX_TOXICS_PER_PROXY } from './api-limits.ts';
import type { ToxicSpec } from './toxic-spec.ts';
import type { ToxicStream } from './toxic-types.ts';

export type ToxicChange =
  | { kind: 'add'; toxic: ToxicSpec }
  | { kind: 'update'; toxic: ToxicSpec }
  | { kind: 'remove'; toxic: ToxicSpec };

export type ToxicListener = (change: ToxicChange) => void;

export class ToxicCollection {
  private toxics: ToxicSpec[] = [];
  private readonly listeners = new Set<ToxicListener>();

  /** Every toxic, upstream ones first (Toxiproxy's listing order). */
  list(): ToxicSpec[] {
    return [...this.chain('upstream'), ...this.chain('downstream')];
  }

  /** The toxics of one stream, in the order data passes through them. */
  chain(stream: ToxicStream): ToxicSpec[] {
    return this.toxics.filter((toxic) => toxic.stream === stream);
  }

  get(name: string): ToxicSpec {
    const toxic = this.toxics.find((t) => t.name === name);
    if (!toxic) throw ApiError.toxicNotFound();
    return toxic;
  }

  has(name: string): boolean {
    return this.toxics.some((t) => t.name === name);
  }

  add(toxic: ToxicSpec): ToxicSpec {
    if (this.has(toxic.name)) throw ApiError.toxicExists();
    checkRoom(this.toxics.length, 1, MAX_TOXICS_PER_PROXY, 'a proxy');
    this.toxics.push(toxic);
    this.emit({ kind: 'add', toxic });
    return toxic;
  }

  update(toxic: ToxicSpec): ToxicSpec {
    const index = this.toxics.findIndex((t) => t.name === toxic.name);
    if (index < 0) throw ApiError.toxicNotFound();
    this.toxics[index] = toxic;
    this.emit({ kind: 'update', toxic });
    return toxic;
  }

  remove(name: string): void {
    const toxic = this.get(name);
    this.toxics = this.toxics.filter((t) => t !== toxic);
    this.emit({ kind: 'remove', toxic });
  }

  clear(): void {
    for (const toxic of [...this.toxics].reverse()) this.remove(toxic.name);
  }

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: ToxicListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: ToxicChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
