/**
 * What each service of the stack was doing during a step's hold window, as saturation signals with a level
 * (0..1 of the signal's limit): CPU (one core per process) and RSS of every service from the runtime; a bot's
 * worker utilisation (command handler seconds per second per worker), queue depth (of QUEUE_SIZE) and DLQ growth
 * from its /metrics; a relay's load_pct and sessions (active of max_sessions) from its /health; a host's
 * presented frames per second.
 */
import { parsePrometheusText, sumOf } from '../sli/prometheus-text.ts';
import type { RunningStack } from '../runtime/stack.ts';
import type { SaturationSignal } from './capacity-report-schema.ts';

type Prom = ReturnType<typeof parsePrometheusText>;

interface ServiceSnapshot {
  cpuSeconds?: number;
  rssBytes?: number;
  commandSeconds?: number;
  dlqDepth?: number;
  framesPresented?: number;
}

interface Snapshot {
  atMs: number;
  services: Map<string, ServiceSnapshot>;
}

const url = (b: { host: string; port: number }) => `http://${b.host}:${b.port}`;

async function getText(target: string): Promise<string | undefined> {
  try {
    const response = await fetch(target, { signal: AbortSignal.timeout(1_000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined; // a stopped or stalled service answers nothing: its signals are left out
  }
}

async function getJson(target: string): Promise<Record<string, unknown> | undefined> {
  const text = await getText(target);
  try {
    return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

export class SaturationProbe {
  private start: Snapshot | undefined;
  private readonly peaks = new Map<string, { queueDepth?: number; activeSessions?: number; maxSessions?: number }>();

  constructor(private readonly stack: RunningStack) {}

  private running(): string[] {
    return this.stack.serviceNames.filter((name) => this.stack.state(name).state === 'running');
  }

  /** Marks the start of the hold window. */
  async begin(): Promise<void> {
    this.peaks.clear();
    this.start = await this.snapshot();
  }

  /** One sample during the hold window: queue depths and sessions are judged at their highest. */
  async sample(): Promise<void> {
    await Promise.all(this.running().map((name) => this.sampleService(name)));
  }

  /** The signals of the hold window that began with `begin`. */
  async end(): Promise<SaturationSignal[]> {
    await this.sample();
    const end = await this.snapshot();
    const start = this.start;
    if (!start) return [];
    const seconds = Math.max(0.001, (end.atMs - start.atMs) / 1_000);
    const signals: SaturationSignal[] = [];
    for (const [name, last] of end.services) {
      const first = start.services.get(name) ?? {};
      const plan = this.stack.plan(name);
      const delta = (key: keyof ServiceSnapshot) => (last[key] !== undefined && first[key] !== undefined ? last[key] - first[key] : undefined);
      const cpu = delta('cpuSeconds');
      if (cpu !== undefined) signals.push({ component: name, signal: 'cpu', value: round((cpu / seconds) * 100), unit: '% of a core', level: round(cpu / seconds) });
      if (last.rssBytes !== undefined) signals.push({ component: name, signal: 'rss', value: round(last.rssBytes / 1_048_576), unit: 'MiB', level: null });
      const busy = delta('commandSeconds');
      if (busy !== undefined) {
        const workers = Number(plan.env.WORKER_POOL_SIZE ?? 4) || 4;
        const utilisation = busy / seconds / workers;
        signals.push({ component: name, signal: 'worker_utilisation', value: round(utilisation * 100), unit: `% of ${workers} workers`, level: round(utilisation) });
      }
      const dlq = delta('dlqDepth');
      if (dlq !== undefined) signals.push({ component: name, signal: 'dlq_growth', value: dlq, unit: 'records', level: dlq > 0 ? 1 : 0 });
      const frames = delta('framesPresented');
      if (frames !== undefined) signals.push({ component: name, signal: 'frames_presented', value: round(frames / seconds), unit: 'frames/s', level: null });
      const peak = this.peaks.get(name);
      if (peak?.queueDepth !== undefined) {
        const queueSize = Number(plan.env.QUEUE_SIZE ?? 1000);
        signals.push({ component: name, signal: 'queue_depth', value: peak.queueDepth, unit: 'messages (highest)', level: queueSize > 0 ? round(peak.queueDepth / queueSize) : null });
      }
      if (peak?.activeSessions !== undefined && peak.maxSessions) {
        const loadPct = (peak.activeSessions / peak.maxSessions) * 100;
        signals.push({ component: name, signal: 'load_pct', value: round(loadPct), unit: '% (highest)', level: round(loadPct / 100) });
        signals.push({ component: name, signal: 'sessions', value: peak.activeSessions, unit: `of ${peak.maxSessions} (highest)`, level: round(peak.activeSessions / peak.maxSessions) });
      }
    }
    return signals;
  }

  private async snapshot(): Promise<Snapshot> {
    const services = new Map<string, ServiceSnapshot>();
    await Promise.all(
      this.running().map(async (name) => {
        const plan = this.stack.plan(name);
        const state = this.stack.state(name);
        const usage = state.state === 'running' ? await state.usage().catch(() => undefined) : undefined;
        const snap: ServiceSnapshot = usage ? { cpuSeconds: usage.cpuSeconds, rssBytes: usage.rssBytes } : {};
        if (plan.kind === 'bot' && plan.ports.metrics) {
          const prom = await this.scrape(name);
          snap.commandSeconds = prom ? sumOf(prom, 'command_latency_seconds_sum') ?? 0 : undefined;
          snap.dlqDepth = prom ? sumOf(prom, 'dead_letter_queue_depth') : undefined;
        } else if (plan.kind === 'host' && plan.ports.health) {
          const health = await getJson(`${url(plan.ports.health)}/health`);
          const counters = health?.counters as Record<string, number> | undefined;
          snap.framesPresented = counters?.frames_presented;
        }
        services.set(name, snap);
      }),
    );
    return { atMs: Date.now(), services };
  }

  private async scrape(name: string): Promise<Prom | undefined> {
    const text = await getText(`${url(this.stack.plan(name).ports.metrics!)}/metrics`);
    return text === undefined ? undefined : parsePrometheusText(text);
  }

  private async sampleService(name: string): Promise<void> {
    const plan = this.stack.plan(name);
    const peak = this.peaks.get(name) ?? {};
    if (plan.kind === 'bot' && plan.ports.metrics) {
      const prom = await this.scrape(name);
      const depth = prom ? sumOf(prom, 'message_queue_depth') : undefined;
      if (depth !== undefined) peak.queueDepth = Math.max(peak.queueDepth ?? 0, depth);
    } else if (plan.kind === 'relay' && plan.ports.health) {
      const health = await getJson(`${url(plan.ports.health)}/health`);
      if (typeof health?.active_sessions === 'number' && typeof health.max_sessions === 'number') {
        peak.activeSessions = Math.max(peak.activeSessions ?? 0, health.active_sessions);
        peak.maxSessions = health.max_sessions;
      }
    }
    this.peaks.set(name, peak);
  }
}

const round = (value: number) => Math.round(value * 1_000) / 1_000;
