/** The last lines of a service log, for error messages. */
import { readFileSync } from 'node:fs';

export function tailOfLog(file: string, lines = 15): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd();
    const tail = text.split('\n').slice(-lines);
    return tail.length ? `Last lines of ${file}:\n  ${tail.join('\n  ')}` : `${file} is empty`;
  } catch {
    return `no log at ${file}`;
  }
}
