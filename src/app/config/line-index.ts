// 1-based line and column of an offset in a text, from the starts of its lines found once per
// text. A rule file is asked for a position per expression and scope operator; counting the
// lines from the file's start for each made parsing grow with the square of the mappings (one
// rule with 3000 mappings: seconds). Here the text is scanned once, and each position is a
// binary search over the line starts.

export interface Position {
  line: number;
  column: number;
}

export class LineIndex {
  /** Offset of the first character of each line: 0, then the character after each "\n". */
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** Line and column of the character at `index` (an index past the end counts from the last line's start). */
  position(index: number): Position {
    // The last line start at or before index.
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.starts[middle]! <= index) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: index - this.starts[low]! + 1 };
  }
}

/** A LineIndex of `text` made on the first position asked (a file without problems and positions scans nothing). */
export function lazyLineIndex(text: string): (index: number) => Position {
  let index: LineIndex | undefined;
  return (at) => (index ??= new LineIndex(text)).position(at);
}
