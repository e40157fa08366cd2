/**
 * Runs the scenario's fault timeline against the link proxies: at each fault's `at` (from the start of the
 * load) it adds the toxic (or disables the link), verifies it took hold and records it in the run's timeline;
 * ramps move an attribute step by step; after `for` it removes the toxic again. Every action on one fault's toxic
 * runs after the one before it, so a late ramp step can never race the removal. `stop()` cancels what has not
 * happened yet; `resetAndCheck()` restores every link and proves no toxic is left.
 */
import { setMaxListeners } from 'node:events';
import { systemClock, type Clock } from '../../common/clock.ts';
import { FaultError } from '../../common/errors.ts';
import { silentLogger, type Logger } from '../../common/logger.ts';
import { faultPhaseNames, type FaultSpec } from '../../scenario/faults-schema.ts';
import { resolveLinkReference } from '../../scenario/scenario-rules.ts';
import type { Timeline } from '../../sli/timeline.ts';
import type { ToxiproxyControl } from '../toxiproxy-control.ts';
import { describeFault, judgeTcp, judgeUdp, measurable, toxicOf, verifyByReadBack, type Verdict } from './fault-effect.ts';
import { probeHttpTimes, probeUdpTwin } from './fault-probe.ts';
import type { LinkProxies, ProxiedLink } from './link-proxies.ts';
import { rampSteps } from './ramp-steps.ts';

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
  /** Time source of the schedule (`wallMs` is epoch ms, as `start`'s origin). Default: the system clock. */
  clock?: Clock;
  /** Prefix of toxic names (`PREFIX0_latency`), so timelines on one server never share a name. Default `fault`. */
  toxicPrefix?: string;
}

export class FaultTimeline {
  private readonly cancel = new AbortController();
  private readonly baselines = new Map<string, number | null>();
  private readonly running = new Set<Promise<void>>();
  /** Per fault and link, the last action queued on its toxic; the next one starts after it. */
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly cleared = new Set<string>();
  private udpBaselineRttMs = 0;
  private stopped = false;
  /** Faults that could not be injected or verified. */
  readonly errors: string[] = [];
  private readonly logger: Logger;
  private readonly clock: Clock;

  constructor(private readonly options: FaultTimelineOptions) {
    this.logger = (options.logger ?? silentLogger).child('faults');
    this.clock = options.clock ?? systemClock;
    // One listener per scheduled action (a ramp schedules one per step).
    setMaxListeners(0, this.cancel.signal);
  }

  /** Baseline probe times of every link with faults, taken before the load starts. */
  async measureBaselines(): Promise<void> {
    const faulted = new Set(this.options.faults.flatMap((f) => this.linksOf(f).map((l) => l.name)));
    for (const name of faulted) {
      const link = this.options.links.links.get(name)!;
      const path = this.options.probePath(link);
      if (link.protocol === 'tcp' && path) this.baselines.set(name, (await probeHttpTimes(link.listen, path, PROBES, PROBE_TIMEOUT_MS)).fastestMs);
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
    this.cancel.abort();
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Waits for actions in progress (an injection, a clear) without cancelling what is still scheduled. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** POST /reset, then proves every link is enabled and carries no toxic. */
  async resetAndCheck(): Promise<void> {
    await this.options.control.reset();
    const proxies = await this.options.control.listProxies();
    const ours = [...this.options.links.links.keys()];
    const left = ours.filter((name) => !proxies[name]?.enabled || (proxies[name]?.toxics.length ?? 0) > 0);
    if (left.length) throw new FaultError(`after /reset, links still faulted: ${left.join(', ')}`);
    this.record({ type: 'reset', detail: `${ours.length} link(s) enabled, no toxics left` });
  }

  private record(event: { type: string; target?: string; detail: string; measured?: Record<string, number> }): void {
    this.options.timeline.add({ source: 'fault', atMs: this.clock.wallMs(), ...event });
  }

  private at(epochMs: number, action: () => Promise<void>): void {
    if (this.stopped) return;
    this.clock.sleep(Math.max(0, epochMs - this.clock.wallMs()), this.cancel.signal).then(
      () => {
        if (this.stopped) return;
        const work = action().catch((error: unknown) => {
          const message = `fault: ${(error as Error).message}`;
          this.errors.push(message);
          this.logger.error(message);
        });
        this.running.add(work);
        void work.finally(() => this.running.delete(work));
      },
      () => undefined, // cancelled by stop()
    );
  }

  /** `action` as a step of the lane `key`: it starts once every action queued before it on that lane settled. */
  private inLane(key: string, action: () => Promise<void>): () => Promise<void> {
    return () => {
      const next = (this.lanes.get(key) ?? Promise.resolve()).then(action);
      this.lanes.set(key, next.catch(() => undefined));
      return next;
    };
  }

  private linksOf(fault: FaultSpec): ProxiedLink[] {
    return (resolveLinkReference(fault.link) ?? []).map(({ from, to }) => {
      const link = this.options.links.links.get(`${from}_to_${to}`);
      if (!link) throw new FaultError(`no proxy for link ${from} -> ${to}: declare it in \`links\``);
      return link;
    });
  }

  private async inject(fault: FaultSpec, index: number, originMs: number): Promise<void> {
    const toxicName = `${this.options.toxicPrefix ?? 'fault'}${index}_${fault.type}`;
    const { during, after } = faultPhaseNames(fault, index);
    this.options.onPhase?.(during, this.clock.wallMs());
    if (fault.for && after) this.at(originMs + fault.at + fault.for, async () => this.options.onPhase?.(after, this.clock.wallMs()));
    for (const link of this.linksOf(fault)) {
      const lane = `${index}:${link.name}`;
      await this.inLane(lane, () => this.add(fault, index, link, toxicName))();
      const ramp = 'ramp' in fault ? fault.ramp : undefined;
      if (ramp && fault.for) {
        const steps = rampSteps(ramp, fault.for);
        steps.forEach((step, i) => {
          const last = i === steps.length - 1;
          this.at(originMs + fault.at + step.afterMs, this.inLane(lane, () => this.rampTo(ramp.attribute, step.value, last, link, toxicName, lane)));
        });
      }
      if (fault.for) this.at(originMs + fault.at + fault.for, this.inLane(lane, () => this.clear(fault, link, toxicName, lane)));
    }
  }

  private async add(fault: FaultSpec, index: number, link: ProxiedLink, toxicName: string): Promise<void> {
    const toxic = toxicOf(fault, toxicName);
    if (toxic) await this.options.control.addToxic(link.name, toxic);
    else await this.options.control.setEnabled(link.name, false);
    const injectedAtMs = this.clock.wallMs();
    const verdict = this.options.verify && !fault.skipVerify ? await this.verify(fault, link, toxicName) : undefined;
    this.options.timeline.add({
      source: 'fault',
      type: 'inject',
      atMs: injectedAtMs,
      target: link.name,
      detail: `${describeFault(fault)}${verdict ? `; ${verdict.verified ? 'verified' : 'NOT verified'}: ${verdict.reason}` : ''}`,
      ...(verdict?.measured ? { measured: verdict.measured } : {}),
    });
    if (verdict && !verdict.verified) this.errors.push(`fault ${index} (${fault.type} on ${link.name}) did not take effect: ${verdict.reason}`);
  }

  private async rampTo(attribute: string, value: number, last: boolean, link: ProxiedLink, toxicName: string, lane: string): Promise<void> {
    if (this.cleared.has(lane)) return;
    await this.options.control.updateToxic(link.name, toxicName, { attributes: { [attribute]: value } });
    if (last) this.record({ type: 'ramp-end', target: link.name, detail: `${attribute} reached ${value}` });
  }

  private async clear(fault: FaultSpec, link: ProxiedLink, toxicName: string, lane: string): Promise<void> {
    this.cleared.add(lane);
    if (fault.type === 'partition') await this.options.control.setEnabled(link.name, true);
    else await this.options.control.removeToxic(link.name, toxicName);
    this.record({ type: 'clear', target: link.name, detail: fault.type });
  }

  private async verify(fault: FaultSpec, link: ProxiedLink, toxicName: string): Promise<Verdict> {
    const path = this.options.probePath(link);
    if (!measurable(fault, link.protocol, path !== undefined)) return verifyByReadBack(this.options.control, link.name, toxicOf(fault, toxicName));
    if (link.protocol === 'udp') {
      const toxic = toxicOf(fault, 'probe');
      const result = await probeUdpTwin(this.options.control, link.name, toxic ? [toxic] : [], {
        enabled: fault.type !== 'partition',
        datagrams: UDP_PROBE_DATAGRAMS,
        spacingMs: 0,
      });
      return { ...judgeUdp(fault, result, this.udpBaselineRttMs), measured: { loss: result.loss, ...(result.medianRttMs !== null ? { rttMs: result.medianRttMs } : {}) } };
    }
    const baseline = this.baselines.get(link.name) ?? null;
    const after = await probeHttpTimes(link.listen, path!, PROBES, Math.max(PROBE_TIMEOUT_MS, 3 * ((fault as { latency?: number }).latency ?? 0)));
    // Fastest probe against fastest baseline probe: noise from a busy machine adds delay, never removes it.
    const verdict = judgeTcp(fault, baseline, after.fastestMs, after.failures, PROBES);
    const measured: Record<string, number> = { failedProbes: after.failures.length };
    if (after.medianMs !== null) measured.probeMs = after.medianMs;
    if (after.fastestMs !== null && baseline !== null) measured.addedMs = after.fastestMs - baseline;
    return { ...verdict, measured };
  }
}
