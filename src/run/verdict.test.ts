import { describe, expect, it } from 'vitest';
import type { PlaybookOutcome } from '../drills/playbook.ts';
import { judgeVerdict, type VerdictInputs } from './verdict.ts';

const probe = (name: string, pass: boolean) => ({ name, kind: 'http' as const, pass, observed: pass ? 'status 200' : 'status 503', atMs: 0, tMs: 1_000 });
const playbook = (over: Partial<PlaybookOutcome>): PlaybookOutcome => ({
  steadyState: { before: [], during: [], after: [] },
  notSteady: false,
  abortedBy: undefined,
  rollbacks: [],
  rollbackStrategy: 'always',
  ...over,
});
const inputs = (over: Partial<VerdictInputs>): VerdictInputs => ({ interrupted: false, errors: [], loadRan: true, loadAborted: false, thresholds: [], steps: [], playbook: undefined, ...over });

describe('verdict', () => {
  it('passes with no reasons', () => {
    expect(judgeVerdict(inputs({}))).toEqual({ verdict: 'pass', reasons: [] });
  });

  it('says not-steady before anything else a playbook did, naming the probe and what it saw', () => {
    const judged = judgeVerdict(inputs({ playbook: playbook({ notSteady: true, steadyState: { before: [probe('ready', false)], during: [], after: [] } }) }));
    expect(judged.verdict).toBe('not-steady');
    expect(judged.reasons).toEqual([{ code: 'not-steady', message: 'steady state before the method: ready does not hold', tMs: 1_000, observed: 'status 503' }]);
  });

  it('ranks interrupted over error over aborted over fail', () => {
    const aborted = playbook({ abortedBy: probe('ready', false), steadyState: { before: [], during: [probe('ready', false)], after: [] } });
    const failedStep = [{ name: 's', action: 'restart', service: 'bot', atMs: 0, tMs: 0, pass: false, checks: [], error: 'not recovered' }];
    expect(judgeVerdict(inputs({ steps: failedStep })).verdict).toBe('fail');
    expect(judgeVerdict(inputs({ steps: failedStep, playbook: aborted })).verdict).toBe('aborted');
    expect(judgeVerdict(inputs({ steps: failedStep, playbook: aborted, errors: ['boom'] })).verdict).toBe('error');
    expect(judgeVerdict(inputs({ steps: failedStep, playbook: aborted, errors: ['boom'], interrupted: true })).verdict).toBe('interrupted');
  });

  it('fails when the steady state deviates after the method or a rollback fails', () => {
    const deviated = judgeVerdict(inputs({ playbook: playbook({ steadyState: { before: [probe('ready', true)], during: [], after: [probe('ready', false)] } }) }));
    expect(deviated).toMatchObject({ verdict: 'fail', reasons: [{ code: 'deviated' }] });
    const rollback = { name: 'rollback-x', action: 'start', service: 'bot', atMs: 0, tMs: 0, pass: false, checks: [], error: 'start failed' };
    expect(judgeVerdict(inputs({ playbook: playbook({ rollbacks: [rollback] }) }))).toMatchObject({ verdict: 'fail', reasons: [{ code: 'rollback-failed' }] });
  });

  it('names the messages answered more than once in a breached duplicate_replies threshold, ten at most', () => {
    const breached = { sli: 'duplicate_replies', expression: 'count<1', phase: 'run', observed: 12, pass: false, abortOnFail: false };
    const duplicates = Array.from({ length: 12 }, (_, i) => ({ message: `+1555100000${i % 10}|17960000000${String(i).padStart(2, '0')}`, replies: 2 }));
    const [reason] = judgeVerdict(inputs({ thresholds: [breached], duplicateReplies: duplicates })).reasons;
    expect(reason!.message).toBe(
      `duplicate_replies count<1 breached (phase run); answered more than once: ${duplicates
        .slice(0, 10)
        .map((d) => `${d.message} (2 replies)`)
        .join(', ')} (and 2 more)`,
    );
    // Another SLI's reason stays as it was.
    const other = { ...breached, sli: 'replies_missing', expression: 'rate<0.01' };
    expect(judgeVerdict(inputs({ thresholds: [other], duplicateReplies: duplicates })).reasons[0]!.message).toBe('replies_missing rate<0.01 breached (phase run)');
  });
});
