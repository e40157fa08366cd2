/**
 * One direction of one proxied TCP connection: reads the source socket, passes chunks through the toxic stages
 * of its stream (in toxic order) and writes the destination socket. With no active toxic the source feeds the
 * destination directly, so an untouched proxy costs one function call per chunk.
 *
 * Toxicity, as in Toxiproxy, is decided per connection, not per chunk or request: when a toxic first meets a
 * connection (the connection opens, or the toxic is added while it is open) one uniform draw u is made, and the
 * toxic applies to that connection for as long as u < toxicity. So `toxicity: 0.1` hits about 10% of connections,
 * each of them fully, and a pooled or keep-alive client sees all or nothing. Toxiproxy draws again whenever the
 * toxic is updated; drill keeps the draw, so ramping an attribute does not reshuffle which connections are hit and
 * raising the toxicity only adds connections.
 */
import type { Socket } from 'node:net';
import type { DirectionCounters } from '../proxy-metrics.ts';
import type { ToxicSpec } from '../toxic-spec.ts';
import type { TcpToxicType } from '../toxic-types.ts';
import { createTcpStage } from './create-tcp-stage.ts';
import type { ChunkSink, StageContext, TcpStage } from './tcp-stage.ts';

/** Pause the source when stages hold more than this, resume below half. */
const HELD_HIGH_WATER_BYTES = 256 * 1024;

interface Entry {
  spec: ToxicSpec;
  /** Uniform draw made once when the toxic first meets this connection; the toxic applies while draw < toxicity. */
  draw: number;
  stage: TcpStage | undefined;
}

export interface LinkEvents {
  /** The stream reached the destination's end (FIN sent); `closeConnection` when a toxic closed it. */
  finished(link: TcpLink, closeConnection: boolean): void;
  reset(): void;
}

export class TcpLink {
  private readonly entries: Entry[] = [];
  private head: ChunkSink;
  private readonly sink: ChunkSink;
  private readonly ctx: StageContext;
  private held = 0;
  private paused = false;
  private state: 'open' | 'closing' | 'finished' | 'aborted' = 'open';
  private sourceEnded = false;
  private closeConnection = false;

  constructor(
    private readonly source: Socket,
    private readonly dest: Socket,
    private readonly counters: DirectionCounters,
    deps: Pick<StageContext, 'clock' | 'random' | 'scheduler'>,
    private readonly events: LinkEvents,
  ) {
    this.sink = {
      push: (chunk) => {
        this.counters.sentBytes += chunk.length;
        this.dest.write(chunk);
      },
      end: () => this.finish(),
    };
    this.head = this.sink;
    this.ctx = {
      ...deps,
      hold: (bytes) => void (this.held += bytes),
      release: (bytes) => {
        this.held -= bytes;
        this.maybeResume();
      },
      closeFrom: (stage) => this.closeFrom(stage),
      reset: () => this.events.reset(),
    };
  }

  start(toxics: ToxicSpec[]): void {
    for (const spec of toxics) this.entries.push(this.newEntry(spec));
    this.relink();
    this.source.on('data', this.onData);
    this.source.on('end', this.onSourceEnd);
    this.dest.on('drain', this.maybeResume);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.state !== 'open') return;
    this.counters.receivedBytes += chunk.length;
    this.head.push(chunk);
    if (this.dest.writableNeedDrain || this.held > HELD_HIGH_WATER_BYTES) {
      this.paused = true;
      this.source.pause();
    }
  };

  private readonly maybeResume = (): void => {
    if (!this.paused || this.state !== 'open' || this.dest.writableNeedDrain || this.held > HELD_HIGH_WATER_BYTES / 2) return;
    this.paused = false;
    this.source.resume();
  };

  /** The source sent FIN or went away: end the stream after what the stages hold. */
  readonly onSourceEnd = (): void => {
    if (this.sourceEnded) return;
    this.sourceEnded = true;
    if (this.state === 'open') this.head.end();
  };

  addToxic(spec: ToxicSpec): void {
    if (this.state !== 'open') return;
    this.entries.push(this.newEntry(spec));
    this.relink();
  }

  updateToxic(spec: ToxicSpec): void {
    const entry = this.entries.find((e) => e.spec.name === spec.name);
    if (!entry || this.state !== 'open') return;
    entry.spec = spec;
    const active = entry.draw < spec.toxicity;
    if (active && entry.stage) entry.stage.update(spec.attributes);
    else if (active) entry.stage = this.newStage(spec);
    else if (entry.stage) this.retire(entry);
    this.relink();
  }

  removeToxic(name: string): void {
    const index = this.entries.findIndex((e) => e.spec.name === name);
    if (index < 0) return;
    const [entry] = this.entries.splice(index, 1);
    if ((this.state === 'open' || this.state === 'closing') && entry?.stage) this.retire(entry);
    this.relink();
  }

  /** The connection is gone: drop held data, stop timers, stop writing. */
  abort(): void {
    if (this.state === 'aborted') return;
    this.state = 'aborted';
    for (const entry of this.entries) entry.stage?.destroy();
    this.source.off('data', this.onData);
    this.dest.off('drain', this.maybeResume);
  }

  private newEntry(spec: ToxicSpec): Entry {
    const draw = this.ctx.random.next();
    return { spec, draw, stage: draw < spec.toxicity ? this.newStage(spec) : undefined };
  }

  private newStage(spec: ToxicSpec): TcpStage {
    return createTcpStage(spec.type as TcpToxicType, this.ctx, spec.attributes);
  }

  /** Takes a stage out of the chain after it handed on what it held (its `next` is still linked). */
  private retire(entry: Entry): void {
    entry.stage!.flush();
    entry.stage = undefined;
  }

  /** Points each active stage at the next active one, the last at the sink. */
  private relink(): void {
    let next: ChunkSink = this.sink;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const stage = this.entries[i]!.stage;
      if (!stage) continue;
      stage.next = next;
      next = stage;
    }
    this.head = next;
  }

  private closeFrom(stage: TcpStage): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.closeConnection = true;
    this.source.pause();
    const index = this.entries.findIndex((e) => e.stage === stage);
    for (const entry of this.entries.slice(0, index + 1)) entry.stage?.destroy();
    stage.next.end();
  }

  private finish(): void {
    if (this.state === 'finished' || this.state === 'aborted') return;
    this.state = 'finished';
    this.dest.end();
    this.events.finished(this, this.closeConnection);
  }
}
