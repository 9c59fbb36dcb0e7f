/**
 * Compact letter display (Piepho 2004, insert-absorb): `items` sorted as they should be
 * read (highest mean first); `differ(i, j)` true when items i and j differ significantly.
 * Two items share a letter exactly when they do not differ; the first item's letter is
 * `a`, and letters are given in the order of the first item that carries them.
 * @example compactLetters(3, (i, j) => i === 0 && j === 2) // => ['a', 'ab', 'b']
 */
export function compactLetters(count: number, differ: (i: number, j: number) => boolean): string[] {
  let columns: Set<number>[] = [new Set(Array.from({ length: count }, (_, i) => i))];
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      if (!differ(i, j)) continue;
      const next: Set<number>[] = [];
      for (const col of columns) {
        if (col.has(i) && col.has(j)) {
          next.push(new Set([...col].filter((x) => x !== i)), new Set([...col].filter((x) => x !== j)));
        } else next.push(col);
      }
      // Absorb: drop a column contained in another (keep the first of equal ones).
      columns = next.filter((col, a) => !next.some((other, b) => b !== a && [...col].every((x) => other.has(x)) && (other.size > col.size || b < a)));
    }
  }
  columns.sort((x, y) => Math.min(...x) - Math.min(...y) || x.size - y.size);
  const names = columns.map((_, c) => letterName(c));
  return Array.from({ length: count }, (_, i) => columns.map((col, c) => (col.has(i) ? names[c] : '')).join(''));
}

/** a … z, then aa, ab, … for the rare trial with more than 26 groups. */
function letterName(index: number): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return index < 26 ? letters[index] : letterName(Math.floor(index / 26) - 1) + letters[index % 26];
}
