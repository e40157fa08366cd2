/**
 * How the slicer toxic cuts a chunk: halve it (moving the cut by up to ±size_variation bytes) until every piece is
 * at most average_size + size_variation bytes, the rule Toxiproxy's slicer follows. Pure, for unit tests.
 */
import type { Random } from '../../common/random.ts';

/** Piece lengths, in order, summing to `length`. Needs averageSize ≥ 1 and sizeVariation ≤ averageSize
 * (a chunk is cut only when longer than their sum, so each half keeps at least one byte). */
export function sliceSizes(length: number, averageSize: number, sizeVariation: number, random: Random): number[] {
  const sizes: number[] = [];
  // Depth-first over [start, end) ranges; the stack holds ranges still to cut, rightmost at the bottom.
  const stack: [number, number][] = [[0, length]];
  while (stack.length > 0) {
    const [start, end] = stack.pop()!;
    if (end - start - averageSize <= sizeVariation) {
      if (end > start) sizes.push(end - start);
      continue;
    }
    let mid = start + Math.floor((end - start) / 2);
    if (sizeVariation > 0) mid += random.int(-sizeVariation, sizeVariation - 1);
    stack.push([mid, end], [start, mid]);
  }
  return sizes;
}
