/**
 * A holder's name as UPI's "validate address" shows it to a payer: the first letter of each word,
 * then one `*` for each other letter of that word (`Alice Kumar` → `A**** K****`). Enough to
 * recognise the person meant, too little to learn a stranger's name. Words are split on any run of
 * white space and joined by one space; letters are counted as characters (code points), so a
 * name in any script masks as it reads.
 */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/u)
    .filter(Boolean)
    .map((word) => {
      const [first, ...rest] = [...word];
      return first + '*'.repeat(rest.length);
    })
    .join(' ');
}
