/**
 * Runs the scenario's fault timeline against the link proxies: at each fault's `at` (from the start of the
 * load) it adds the toxic (or disables the link), verifies the effect with a probe and records it in the
 * run's timeline; after `for` it removes it again; ramps move an attribute step by step. `stop()` cancels
 * what has not happened yet; `resetAndCheck()` restores every link and proves no toxic is left.
 */
import { FaultError } from '../../common/errors.ts';
import { silentLogger, type Logger } from '../../common/logger.ts';
import type { FaultSpec } from '../../scenario/faults-schema.ts';
import { resolveLinkReference } from '../../scenario/scenario-rules.ts';
import type { Timeline } from '../../sli/timeline.ts';
import type { ToxiproxyControl } from '../toxiproxy-control.ts';
import { describeFault, judgeTcp, judgeUdp, toxicOf, type Verdict } from './fault-effect.ts';
import { probeHttpMedian, probeUdpTwin } from './fault-probe.ts';
import type { LinkProxies, ProxiedLink } from './link-proxies.ts';

const PROBES = 5;
const PROBE_TIMEOUT_MS = 1_000;
const UDP_PROBE_DATAGRAMS = 400;

export interface FaultTimelineOptions {
  faults: FaultSpec[];
  control: ToxiproxyControl;
  links: LinkProxies;
  timeline: Timeline;
  /** HTTP path to probe a TCP link with (the target's readiness path), or undefined when it is not HTTP. */
  probePath: (link: ProxiedLink) => string | undefined;
  verify: boolean;
  logger?: Logger;
  /** Called when a fault starts or clears, so SLIs can be kept per phase (`fault-0-latency`, `after-0`). */
  onPhase?: (name: string, atMs: number) => void;
}

export class FaultTimeline {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly baselines = new Map<string, number | null>();
  private readonly running = new Set<Promise<void>>();
  private udpBaselineRttMs = 0;
  private stopped = false;
  /** Faults that could not be injected or verified. */
  readonly errors: string[] = [];
  private readonly logger: Logger;

  constructor(private readonly options: FaultTimelineOptions) {
    this.logger = (options.logger ?? silentLogger).child('faults');
  }

  /** Baseline probe times of every link with faults, taken before the load starts. */
  async measureBaselines(): Promise<void> {
    const faulted = new Set(this.options.faults.flatMap((f) => this.linksOf(f).map((l) => l.name)));
    for (const name of faulted) {
      const link = this.options.links.links.get(name)!;
      const path = this.options.probePath(link);
      if (link.protocol === 'tcp' && path) this.baselines.set(name, (await probeHttpMedian(link.listen, path, PROBES, PROBE_TIMEOUT_MS)).medianMs);
    }
    if ([...faulted].some((n) => this.options.links.links.get(n)!.protocol === 'udp')) {
      this.udpBaselineRttMs = (await probeUdpTwin(this.options.control, 'baseline', [], { enabled: true, datagrams: 50, spacingMs: 1 })).medianRttMs ?? 0;
    }
  }

  /** Schedules every fault relative to `originMs` (epoch ms of the load start). */
  start(originMs: number): void {
    this.options.faults.forEach((fault, index) => {
      this.at(originMs + fault.at, () => this.inject(fault, index, originMs));
    });
  }

  /** Cancels faults not yet started and waits for injections in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  /** POST /reset, then proves every link is enabled and carries no toxic. */
  async resetAndCheck(): Promise<void> {
    await this.options.control.reset();
    const proxies = await this.options.control.listProxies();
    const ours = [...this.options.links.links.keys()];
    const left = ours.filter((name) => !proxies[name]?.enabled || (proxies[name]?.toxics.length ?? 0) > 0);
    if (left.length) throw new FaultError(`after /reset, links still faulted: ${left.join(', ')}`);
    this.options.timeline.add({ source: 'fault', type: 'reset', detail: `${ours.length} link(s) enabled, no toxics left` });
  }

  private at(epochMs: number, action: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopped) return;
      const work = action().catch((error: unknown) => {
        const message = `fault: ${(error as Error).message}`;
        this.errors.push(message);
        this.logger.error(message);
      });
      this.running.add(work);
      void work.finally(() => this.running.delete(work));
    }, Math.max(0, epochMs - Date.now()));
    this.timers.add(timer);
  }

  private linksOf(fault: FaultSpec): ProxiedLink[] {
    return (resolveLinkReference(fault.link) ?? []).map(({ from, to }) => {
      const link = this.options.links.links.get(`${from}_to_${to}`);
      if (!link) throw new FaultError(`no proxy for link ${from} -> ${to}`);
      return link;
    });
  }

  private async inject(fault: FaultSpec, index: number, originMs: number): Promise<void> {
    const toxicName = `fault${index}_${fault.type}`;
    this.options.onPhase?.(`fault-${index}-${fault.type}`, Date.now());
    if (fault.for) this.at(originMs + fault.at + fault.for, async () => this.options.onPhase?.(`after-${index}`, Date.now()));
    for (const link of this.linksOf(fault)) {
      const toxic = toxicOf(fault, toxicName);
      if (toxic) await this.options.control.addToxic(link.name, toxic);
      else await this.options.control.setEnabled(link.name, false);
      const injectedAtMs = Date.now();
      const verdict = this.options.verify && !fault.skipVerify ? await this.verify(fault, link) : undefined;
      this.options.timeline.add({
        source: 'fault',
        type: 'inject',
        atMs: injectedAtMs,
        target: link.name,
        detail: `${describeFault(fault)}${verdict ? `; ${verdict.verified ? 'verified' : 'NOT verified'}: ${verdict.reason}` : ''}`,
        ...(verdict?.measured ? { measured: verdict.measured } : {}),
      });
      if (verdict && !verdict.verified) this.errors.push(`fault ${index} (${fault.type} on ${link.name}) did not take effect: ${verdict.reason}`);
      if ('ramp' in fault && fault.ramp && fault.for) this.ramp(fault, link, toxicName, originMs);
      if (fault.for) this.at(originMs + fault.at + fault.for, () => this.clear(fault, link, toxicName));
    }
  }

  private ramp(fault: FaultSpec & { ramp?: { attribute: string; from: number; to: number; step: number } }, link: ProxiedLink, toxicName: string, originMs: number): void {
    const ramp = fault.ramp!;
    const steps = Math.max(1, Math.floor(fault.for! / ramp.step));
    for (let i = 1; i <= steps; i++) {
      const value = ramp.from + ((ramp.to - ramp.from) * i) / steps;
      this.at(originMs + fault.at + i * ramp.step, async () => {
        await this.options.control.updateToxic(link.name, toxicName, { attributes: { [ramp.attribute]: value } });
        if (i === steps) this.options.timeline.add({ source: 'fault', type: 'ramp-end', target: link.name, detail: `${ramp.attribute} reached ${value}` });
      });
    }
  }

  private async clear(fault: FaultSpec, link: ProxiedLink, toxicName: string): Promise<void> {
    if (fault.type === 'partition') await this.options.control.setEnabled(link.name, true);
    else await this.options.control.removeToxic(link.name, toxicName);
    this.options.timeline.add({ source: 'fault', type: 'clear', target: link.name, detail: fault.type });
  }

  private async verify(fault: FaultSpec, link: ProxiedLink): Promise<(Verdict & { measured?: Record<string, number> }) | undefined> {
    if (link.protocol === 'udp') {
      const toxic = toxicOf(fault, 'probe');
      const result = await probeUdpTwin(this.options.control, link.name, toxic ? [toxic] : [], {
        enabled: fault.type !== 'partition',
        datagrams: UDP_PROBE_DATAGRAMS,
        spacingMs: 0,
      });
      return { ...judgeUdp(fault, result, this.udpBaselineRttMs), measured: { loss: result.loss, ...(result.medianRttMs !== null ? { rttMs: result.medianRttMs } : {}) } };
    }
    const path = this.options.probePath(link);
    if (!path) return { verified: true, reason: 'not an HTTP link: effect not probed' };
    const baseline = this.baselines.get(link.name) ?? null;
    const after = await probeHttpMedian(link.listen, path, PROBES, Math.max(PROBE_TIMEOUT_MS, 3 * ((fault as { latency?: number }).latency ?? 0)));
    const verdict = judgeTcp(fault, baseline, after.medianMs, after.failures, PROBES);
    const measured: Record<string, number> = { failedProbes: after.failures.length };
    if (after.medianMs !== null) measured.probeMs = after.medianMs;
    if (after.medianMs !== null && baseline !== null) measured.addedMs = after.medianMs - baseline;
    return { ...verdict, measured };
  }
}
