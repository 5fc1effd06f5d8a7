/** One dispatched server-sent event. `event` is undefined when the server sent no `event:` field. */
export interface ServerSentEvent {
  event: string | undefined;
  data: string;
  id: string | undefined;
}

/**
 * Parses a `text/event-stream` body into events, following the WHATWG rules: lines end in `\n`,
 * `\r\n` or `\r` (also when split across chunks), `data:` lines join with `\n`, `:` lines are
 * comments, and an event is dispatched at a blank line. Each byte is scanned once.
 *
 * @example
 * for await (const event of parseServerSentEvents(response.body)) {
 *   if (event.data === '[DONE]') break;
 * }
 */
export async function* parseServerSentEvents(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  for await (const events of parseServerSentEventBatches(body)) yield* events;
}

/**
 * The same events, as one array per body chunk that completed any (never an empty array): a hot
 * loop handles a whole read without an `await` per event.
 *
 * @example
 * for await (const events of parseServerSentEventBatches(response.body)) {
 *   for (const event of events) console.log(event.data);
 * }
 */
export async function* parseServerSentEventBatches(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<ServerSentEvent[]> {
  const decoder = new TextDecoder();
  const parser = new EventParser();
  for await (const chunk of body) {
    const events = parser.push(decoder.decode(chunk, { stream: true }));
    if (events.length > 0) yield events;
  }
  const last = parser.end(decoder.decode());
  if (last.length > 0) yield last;
}

class EventParser {
  private pending = '';
  /** A chunk ended in `\r`: a `\n` opening the next chunk belongs to the same line ending. */
  private skipLeadingLineFeed = false;
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;

  push(text: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    // `pending` holds no line ending, so the search resumes after it instead of rescanning it.
    let scanFrom = this.pending.length;
    let input = this.pending + text;
    if (this.skipLeadingLineFeed && input.charCodeAt(0) === 10) input = input.slice(1);
    this.skipLeadingLineFeed = false;
    let start = 0;
    let carriageReturn = input.indexOf('\r', scanFrom);
    let lineFeed = input.indexOf('\n', scanFrom);
    while (true) {
      if (carriageReturn !== -1 && carriageReturn < scanFrom) carriageReturn = input.indexOf('\r', scanFrom);
      if (lineFeed !== -1 && lineFeed < scanFrom) lineFeed = input.indexOf('\n', scanFrom);
      const end =
        carriageReturn === -1
          ? lineFeed
          : lineFeed === -1
            ? carriageReturn
            : Math.min(carriageReturn, lineFeed);
      if (end === -1) break;
      const event = this.line(input.slice(start, end));
      if (event !== undefined) events.push(event);
      start = end + 1;
      if (end === carriageReturn) {
        if (start === input.length) this.skipLeadingLineFeed = true;
        else if (input.charCodeAt(start) === 10) start++;
      }
      scanFrom = start;
    }
    this.pending = input.slice(start);
    return events;
  }

  /**
   * The stream ended. The spec drops an event without its closing blank line; we dispatch it,
   * because servers that close right after `data: [DONE]\n` are common and the data is complete.
   */
  end(text: string): ServerSentEvent[] {
    const events = text === '' ? [] : this.push(text);
    if (this.pending !== '') {
      const event = this.line(this.pending);
      this.pending = '';
      if (event !== undefined) events.push(event);
    }
    const last = this.line('');
    if (last !== undefined) events.push(last);
    return events;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.charCodeAt(0) === 58) return undefined; // ':' starts a comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
    }
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = undefined;
    if (data.length === 0) return undefined;
    return { event, data: data.join('\n'), id: this.id };
  }
}
