/**
 * Content-block numbering for a streamed message: canonical blocks are keyed by kind and id, and
 * get consecutive indices in the order they first produce output. Tracks which are still open so
 * a finish can close them.
 *
 * @example
 * const blocks = new BlockIndices();
 * blocks.allocate('text:t1'); // { index: 0, isNew: true }
 * blocks.close('text:t1'); // 0
 */
export class BlockIndices {
  private readonly indices = new Map<string, number>();
  private readonly open = new Set<number>();
  private next = 0;

  /** The block's index, allocating (and opening) it on first use. */
  allocate(key: string): { index: number; isNew: boolean } {
    const existing = this.indices.get(key);
    if (existing !== undefined) return { index: existing, isNew: false };
    const index = this.next++;
    this.indices.set(key, index);
    this.open.add(index);
    return { index, isNew: true };
  }

  has(key: string): boolean {
    return this.indices.has(key);
  }

  /** Closes the block; returns its index when it was open, else undefined. */
  close(key: string): number | undefined {
    const index = this.indices.get(key);
    if (index === undefined || !this.open.delete(index)) return undefined;
    return index;
  }

  /** Closes every open block and returns their indices in order. */
  closeAll(): number[] {
    const indices = [...this.open].sort((a, b) => a - b);
    this.open.clear();
    return indices;
  }
}
