import { describe, expect, it } from 'vitest';
import { errorBudgets, sloTargets } from './error-budget.ts';

const rate = (bad: number, total: number) => ({ kind: 'rate' as const, unit: 'requests', count: bad, total, rate: bad / total });

describe('error budget', () => {
  it('compares bad events with what the objective allows, over the run and per phase', () => {
    const [budget] = errorBudgets(sloTargets('http', undefined), { http_req_failed: rate(30, 1_000) }, [
      { name: 'baseline', startMs: 0, endMs: 10, slis: { http_req_failed: rate(0, 400) } },
      { name: 'outage', startMs: 10, endMs: 20, slis: { http_req_failed: rate(30, 200) } },
      { name: 'after-outage', startMs: 20, endMs: 30, slis: {} },
    ]);
    expect(budget!.objective).toBe(0.99);
    // 1 % of 1,000 is 10 allowed; 30 failed: three times the budget.
    expect(budget!.run).toMatchObject({ bad: 30, total: 1_000 });
    expect(budget!.run.allowed).toBeCloseTo(10);
    expect(budget!.run.consumed).toBeCloseTo(3);
    expect(budget!.phases.map((p) => [p.phase, p.consumed === null ? null : Math.round(p.consumed * 100) / 100])).toEqual([
      ['baseline', 0],
      ['outage', 15],
      ['after-outage', null],
    ]);
  });

  it('uses the declared targets instead of the workload default', () => {
    expect(sloTargets('signal', undefined)).toEqual([{ sli: 'replies_missing', objective: 0.99 }]);
    expect(sloTargets('signal', [{ sli: 'inject_errors', objective: 0.999 }])).toEqual([{ sli: 'inject_errors', objective: 0.999 }]);
  });
});
