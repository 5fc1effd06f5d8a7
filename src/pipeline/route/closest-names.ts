/** Levenshtein distance, iterative with two rows: names are short, so this stays cheap. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The known names nearest to `name`, best first: those sharing a prefix or within a third of the
 * length in edits.
 *
 * @example
 * closestNames('gpt4o', ['gpt-4o', 'gpt-4o-mini', 'o3-mini']) // ['gpt-4o', 'gpt-4o-mini']
 */
export function closestNames(name: string, known: readonly string[], limit = 3): string[] {
  const wanted = name.toLowerCase();
  const budget = Math.max(2, Math.ceil(wanted.length / 3));
  return known
    .map((candidate) => {
      const lower = candidate.toLowerCase();
      const distance = editDistance(wanted, lower);
      const related = lower.startsWith(wanted) || wanted.startsWith(lower);
      return { candidate, score: related ? Math.min(distance, 1) : distance };
    })
    .filter((entry) => entry.score <= budget)
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}
