// A line diff (longest common subsequence), for showing an approver what changed since the last version.

export type DiffLine = { readonly op: 'same' | 'added' | 'removed'; readonly line: string };

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // Posts are short (platform limits), so the O(n·m) table is small.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] =
        a[i] === b[j]
          ? ((lcs[i + 1] as number[])[j + 1] as number) + 1
          : Math.max((lcs[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', line: a[i] as string });
      i++;
      j++;
    } else if (((lcs[i + 1] as number[])[j] as number) >= ((lcs[i] as number[])[j + 1] as number)) {
      out.push({ op: 'removed', line: a[i++] as string });
    } else {
      out.push({ op: 'added', line: b[j++] as string });
    }
  }
  while (i < a.length) out.push({ op: 'removed', line: a[i++] as string });
  while (j < b.length) out.push({ op: 'added', line: b[j++] as string });
  return out;
}
