/** Run ids: `<scenario>-<UTC yyyymmdd-hhmmss>-<4 hex>`, sortable by time and unique per start. */
import { randomBytes } from 'node:crypto';

export function newRunId(scenario: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${scenario}-${stamp}-${randomBytes(2).toString('hex')}`;
}
