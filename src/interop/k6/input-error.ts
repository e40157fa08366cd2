/** A k6 file that cannot be imported as given (exit code 2). */
import { DrillError, ExitCode } from '../../common/errors.ts';

export class InputError extends DrillError {
  readonly code = 'DRILL_K6_INPUT_INVALID';
  readonly exitCode = ExitCode.BadInput;
}
