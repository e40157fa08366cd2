/** Errors of the comparison commands, with stable codes. */
import { DrillError, ExitCode, formatIssue, type ScenarioIssue } from '../common/errors.ts';

/** A report, run id, release or gate file that cannot be used as given. */
export class CompareInputError extends DrillError {
  readonly code = 'DRILL_COMPARE_INPUT';
  readonly exitCode = ExitCode.BadInput;
}

/** There is no marked baseline (or no usable run of it) to compare with: the candidate cannot be judged. */
export class BaselineMissingError extends DrillError {
  readonly code = 'DRILL_BASELINE_MISSING';
  readonly exitCode = ExitCode.Infrastructure;
}

/** A gate file that cannot be used as written: every problem with its file:line:column. */
export class GateFileError extends DrillError {
  readonly code = 'DRILL_GATE_FILE_INVALID';
  readonly exitCode = ExitCode.BadInput;

  constructor(file: string, readonly issues: ScenarioIssue[], options?: { cause?: unknown }) {
    super(`${file} is not a valid gate file (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`, options);
  }
}
