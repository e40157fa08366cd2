/**
 * Facts about OS processes read from /proc (Linux): whether a pid is still the process we started
 * (start time guards against pid reuse), and its CPU time and memory.
 */
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_SIZE_BYTES = 4096;

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces or parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Start time of a process in clock ticks since boot, or undefined when it does not exist. */
export function processStartTicks(pid: number): number | undefined {
  const fields = statFields(pid);
  // Field 22 of /proc/PID/stat; index 19 once pid and comm are removed.
  return fields ? Number(fields[19]) : undefined;
}

/** True when `pid` exists, is not a zombie, and (when given) started at `startTicks`. */
export function isSameProcessAlive(pid: number, startTicks?: number): boolean {
  const fields = statFields(pid);
  if (!fields || fields[0] === 'Z') return false;
  return startTicks === undefined || Number(fields[19]) === startTicks;
}

/** Process group of a live process (field 5 of /proc/PID/stat), or undefined when it does not exist. */
export function processGroupOf(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[2]) : undefined;
}

export function processUsage(pid: number): { cpuSeconds: number; rssBytes: number } | undefined {
  const fields = statFields(pid);
  if (!fields) return undefined;
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, rssBytes: Number(fields[21]) * PAGE_SIZE_BYTES };
}
