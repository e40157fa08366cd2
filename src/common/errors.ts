/**
 * drill's error hierarchy. Every error carries a stable `code` and maps to a process exit code:
 * 0 pass, 1 SLO breached, 2 bad input or usage, 3 harness or infrastructure failure.
 */
export const ExitCode = {
  Pass: 0,
  SloBreached: 1,
  BadInput: 2,
  Infrastructure: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export abstract class DrillError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Where in a file a problem is: 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface ScenarioIssue {
  /** Path inside the document, e.g. `services.bot.env.QUEUE_SIZE`. */
  path: string;
  message: string;
  location?: SourceLocation;
}

export function formatIssue(issue: ScenarioIssue): string {
  const where = issue.location ? ` (${issue.location.file}:${issue.location.line}:${issue.location.column})` : '';
  const path = issue.path ? `\`${issue.path}\`: ` : '';
  return `${path}${issue.message}${where}`;
}

/** A scenario or drill file that cannot be used as written. */
export class ScenarioError extends DrillError {
  readonly code = 'DRILL_SCENARIO_INVALID';
  readonly exitCode = ExitCode.BadInput;
  readonly issues: ScenarioIssue[];

  constructor(file: string, issues: ScenarioIssue[], options?: { cause?: unknown }) {
    const lines = issues.map((i) => `  - ${formatIssue(i)}`).join('\n');
    super(`${file} is not a valid scenario (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines}`, options);
    this.issues = issues;
  }
}

/** Wrong command-line usage. */
export class UsageError extends DrillError {
  readonly code = 'DRILL_USAGE';
  readonly exitCode = ExitCode.BadInput;
}

/** The folder a run writes its report into cannot be created or written (ENOTDIR, EACCES, ENAMETOOLONG…): choose another. */
export class ReportDirError extends DrillError {
  readonly code = 'DRILL_REPORT_DIR';
  readonly exitCode = ExitCode.BadInput;
}

/** A report file that cannot be read: missing, not JSON, or not a drill report of a known schema. */
export class ReportFileError extends DrillError {
  readonly code = 'DRILL_REPORT_INVALID';
  readonly exitCode = ExitCode.BadInput;
}

/** A service failed to start, answer its probe, or stop. */
export class ServiceError extends DrillError {
  readonly code = 'DRILL_SERVICE_FAILED';
  readonly exitCode = ExitCode.Infrastructure;
}

/** The harness itself failed: a port, a file, a child process, the fault proxy. */
export class InfrastructureError extends DrillError {
  readonly code = 'DRILL_INFRASTRUCTURE';
  readonly exitCode = ExitCode.Infrastructure;
}

/** A fault could not be injected, or its effect could not be verified. */
export class FaultError extends DrillError {
  readonly code = 'DRILL_FAULT_FAILED';
  readonly exitCode = ExitCode.Infrastructure;
}

/** The run was interrupted by a signal; teardown ran. */
export class InterruptedError extends DrillError {
  readonly code = 'DRILL_INTERRUPTED';
  readonly exitCode = ExitCode.Infrastructure;
}

export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof DrillError ? error.exitCode : ExitCode.Infrastructure;
}
