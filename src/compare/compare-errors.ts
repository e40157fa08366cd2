/** Errors of the comparison commands, with stable codes. */
import { DrillError, ExitCode } from '../common/errors.ts';

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
