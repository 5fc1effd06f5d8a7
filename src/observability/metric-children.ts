/** More distinct label tuples than this in one cache (never with config-bound labels) start it over. */
export const MAX_CACHED_CHILDREN = 1_000;

/**
 * prom-client children (`metric.labels(...)`) kept per label-value tuple, so recording a value
 * builds no label object and no observer closure. Up to three label values, looked up through
 * nested maps (no key string is built); unused trailing values are passed as ''. Bounded: past
 * `MAX_CACHED_CHILDREN` tuples the cache is emptied and refilled — the metric keeps its values,
 * only the children are made again.
 *
 * @example
 * const requests = new ChildCache((a, b, c) => metrics.requests.labels(a, b, c));
 * requests.get('openai', 'ok', 'none').inc();
 */
export class ChildCache<Child> {
  private readonly root = new Map<string, Map<string, Map<string, Child>>>();
  private size = 0;

  constructor(private readonly create: (first: string, second: string, third: string) => Child) {}

  get(first: string, second = '', third = ''): Child {
    let seconds = this.root.get(first);
    let thirds = seconds?.get(second);
    const known = thirds?.get(third);
    if (known !== undefined) return known;
    if (this.size >= MAX_CACHED_CHILDREN) {
      this.root.clear();
      this.size = 0;
      seconds = undefined;
      thirds = undefined;
    }
    if (seconds === undefined) {
      seconds = new Map();
      this.root.set(first, seconds);
    }
    if (thirds === undefined) {
      thirds = new Map();
      seconds.set(second, thirds);
    }
    const child = this.create(first, second, third);
    thirds.set(third, child);
    this.size += 1;
    return child;
  }
}
