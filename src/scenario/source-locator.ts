/** Maps a path inside a YAML document (`services.bot.env`) to the line and column it was written at. */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';
import type { SourceLocation } from '../common/errors.ts';

export class SourceLocator {
  constructor(
    private readonly file: string,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * The position of the value at `path`, or of its key when `key` is set (for unknown keys).
   * When the path does not exist (a missing key), the deepest existing parent is returned.
   */
  locate(path: readonly PropertyKey[], key = false): SourceLocation {
    let node: unknown = this.document.contents;
    let keyNode: unknown;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
        keyNode = undefined;
        node = node.items[segment];
      } else break;
    }
    return this.at(((key ? keyNode : undefined) ?? node) as Node | undefined);
  }

  offset(offset: number): SourceLocation {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  private at(node: Node | undefined): SourceLocation {
    return this.offset(node?.range?.[0] ?? 0);
  }
}
