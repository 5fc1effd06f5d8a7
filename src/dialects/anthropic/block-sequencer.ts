/** One server-sent event: its `event:` name and its JSON data (whose `type` repeats the name). */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

interface Block {
  key: string;
  contentBlock: Record<string, unknown>;
  index: number;
  /** Deltas held while another block is open. */
  pending: Array<Record<string, unknown>>;
  ended: boolean;
  deltaCount: number;
}

/** An event whose data repeats its name as `type`, as every Anthropic stream event does. */
export function sseEvent(name: string, data: Record<string, unknown>): SseEvent {
  return { event: name, data: { type: name, ...data } };
}

/**
 * Keeps Anthropic content blocks strictly sequential. Anthropic streams one block at a time
 * (`content_block_start`, its deltas, `content_block_stop`, then the next index), and the SDK
 * assembles blocks by position; an upstream may interleave blocks (parallel tool calls). A block
 * started while another is open is queued with its deltas and streamed, in start order, as soon as
 * the blocks before it stop. Only interleaved blocks are held; a lone block streams as it arrives.
 *
 * @example
 * const blocks = new BlockSequencer();
 * blocks.start('tool:a', { type: 'tool_use', id: 'a', name: 'f', input: {} }); // start + ping
 * blocks.start('tool:b', { type: 'tool_use', id: 'b', name: 'g', input: {} }); // [] (queued)
 * blocks.end('tool:a'); // stop a, then start b with its held deltas
 */
export class BlockSequencer {
  private nextIndex = 0;
  private open: Block | undefined;
  private readonly queue: Block[] = [];
  private readonly blocks = new Map<string, Block>();
  private pingSent = false;

  /** True once a block with this key was started (open, queued or stopped). */
  has(key: string): boolean {
    return this.blocks.has(key);
  }

  /** Deltas received for the block so far, streamed or held. */
  deltaCount(key: string): number {
    return this.blocks.get(key)?.deltaCount ?? 0;
  }

  start(key: string, contentBlock: Record<string, unknown>): SseEvent[] {
    if (this.blocks.has(key)) return [];
    const block: Block = { key, contentBlock, index: -1, pending: [], ended: false, deltaCount: 0 };
    this.blocks.set(key, block);
    if (this.open === undefined && this.queue.length === 0) return this.openBlock(block);
    this.queue.push(block);
    return [];
  }

  delta(key: string, delta: Record<string, unknown>): SseEvent[] {
    const block = this.blocks.get(key);
    if (block === undefined) return [];
    if (block === this.open) {
      block.deltaCount++;
      return [sseEvent('content_block_delta', { index: block.index, delta })];
    }
    // A block already stopped cannot take more; one still queued holds the delta until it opens.
    if (block.index >= 0) return [];
    block.deltaCount++;
    block.pending.push(delta);
    return [];
  }

  end(key: string): SseEvent[] {
    const block = this.blocks.get(key);
    if (block === undefined || block.ended) return [];
    block.ended = true;
    if (block !== this.open) return [];
    this.open = undefined;
    return [sseEvent('content_block_stop', { index: block.index }), ...this.promote()];
  }

  /** Stops the open block and streams every queued one to its end (the message is finishing). */
  endAll(): SseEvent[] {
    const events: SseEvent[] = [];
    for (const block of this.queue) block.ended = true;
    if (this.open !== undefined) events.push(...this.end(this.open.key));
    events.push(...this.promote());
    return events;
  }

  private openBlock(block: Block): SseEvent[] {
    block.index = this.nextIndex++;
    this.open = block;
    const events = [
      sseEvent('content_block_start', { index: block.index, content_block: block.contentBlock }),
    ];
    // Anthropic sends a ping right after the first block starts; clients skip it.
    if (!this.pingSent) {
      this.pingSent = true;
      events.push(sseEvent('ping', {}));
    }
    for (const delta of block.pending)
      events.push(sseEvent('content_block_delta', { index: block.index, delta }));
    block.pending = [];
    return events;
  }

  /** Opens queued blocks in order; those that already ended are streamed whole. */
  private promote(): SseEvent[] {
    const events: SseEvent[] = [];
    while (this.open === undefined) {
      const block = this.queue.shift();
      if (block === undefined) break;
      events.push(...this.openBlock(block));
      if (block.ended) {
        this.open = undefined;
        events.push(sseEvent('content_block_stop', { index: block.index }));
      }
    }
    return events;
  }
}
