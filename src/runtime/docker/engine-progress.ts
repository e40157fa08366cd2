/**
 * Reads the JSON-lines progress stream of an engine build, import or pull to its end, and turns an
 * `{"error": …}` line into an exception (the engine answers 200 and reports failures inside the stream).
 */
import readline from 'node:readline';

export interface ProgressResult {
  /** The `stream` and `status` texts in order, for error messages and logs. */
  lines: string[];
  /** The `aux.ID` or last `status` an import reports: the new image id, when given. */
  imageId: string | undefined;
}

export async function readProgress(stream: NodeJS.ReadableStream, onLine?: (text: string) => void): Promise<ProgressResult> {
  const lines: string[] = [];
  let imageId: string | undefined;
  let failure: string | undefined;
  for await (const raw of readline.createInterface({ input: stream, crlfDelay: Infinity })) {
    if (!raw.trim()) continue;
    let event: { stream?: string; status?: string; error?: string; aux?: { ID?: string } };
    try {
      event = JSON.parse(raw) as typeof event;
    } catch {
      lines.push(raw);
      continue;
    }
    if (event.error) failure ??= event.error.trim();
    const text = (event.stream ?? event.status ?? '').trimEnd();
    if (text) {
      lines.push(text);
      onLine?.(text);
    }
    if (event.aux?.ID) imageId = event.aux.ID;
    else if (event.status?.startsWith('sha256:')) imageId = event.status.trim();
  }
  if (failure) throw new Error(`${failure}\n${lines.slice(-10).join('\n')}`);
  return { lines, imageId };
}
