/**
 * Gives every function call in a Gemini history an id and pairs each function response with its
 * call. Gemini often omits ids, while the canonical model (and most providers) pair tool results to
 * calls by id. A call without one gets `call_<content>_<part>`, stable across the turns of a
 * conversation; a response without one takes the id of the earliest unanswered call of the same
 * name, which is how Gemini itself pairs them (by name, in order).
 *
 * @example
 * const ids = new ToolCallIds();
 * ids.forCall({ name: 'weather' }, 'call_1_0'); // 'call_1_0'
 * ids.forResponse({ name: 'weather' }, 'call_2_0'); // 'call_1_0'
 */
export class ToolCallIds {
  private readonly pending: Array<{ id: string; name: string }> = [];

  forCall(call: { id?: string | null; name: string }, fallbackId: string): string {
    const id = call.id ?? fallbackId;
    this.pending.push({ id, name: call.name });
    return id;
  }

  forResponse(response: { id?: string | null; name: string }, fallbackId: string): string {
    const byId = response.id ?? undefined;
    const index = this.pending.findIndex((call) =>
      byId === undefined ? call.name === response.name : call.id === byId,
    );
    const matched = index >= 0 ? this.pending.splice(index, 1)[0] : undefined;
    return byId ?? matched?.id ?? fallbackId;
  }
}
