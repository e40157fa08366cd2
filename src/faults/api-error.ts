/**
 * An error the fault server answers with, in Toxiproxy's shape: `{"error": "...", "status": N}`.
 * Messages that Toxiproxy also sends are spelled as Toxiproxy spells them, so clients that match on them keep working.
 */
import { FaultError } from '../common/errors.ts';

export class ApiError extends FaultError {
  constructor(
    /** HTTP status code. */
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }

  static badRequest(detail: string): ApiError {
    return new ApiError(400, `bad request body: ${detail}`);
  }

  static missingField(field: string): ApiError {
    return new ApiError(400, `missing required field: ${field}`);
  }

  static proxyNotFound(): ApiError {
    return new ApiError(404, 'proxy not found');
  }

  static proxyExists(): ApiError {
    return new ApiError(409, 'proxy already exists');
  }

  static invalidStream(): ApiError {
    return new ApiError(400, 'stream was invalid, can be either upstream or downstream');
  }

  static invalidToxicType(): ApiError {
    return new ApiError(400, 'invalid toxic type');
  }

  static toxicExists(): ApiError {
    return new ApiError(409, 'toxic already exists');
  }

  static toxicNotFound(): ApiError {
    return new ApiError(404, 'toxic not found');
  }
}

/** Any failure as an ApiError: ApiErrors pass through, anything else becomes a 500 with its message. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(500, message, { cause: error });
}

/** A value as JSON for an error message, cut to `maxChars` characters so a large body does not come back whole. */
export function showJson(value: unknown, maxChars = 80): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > maxChars ? `${text.slice(0, maxChars)}… (${text.length} characters)` : text;
}
