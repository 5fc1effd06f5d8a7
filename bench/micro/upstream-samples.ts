/** What the sandbox upstream answers to the bench's small chat request (non-streamed), byte for byte. */
export const UPSTREAM_CHAT_RESPONSE = JSON.stringify({
  id: 'chatcmpl-HyPIfPchnSTVfPPsmHq7PD1KuoFqr',
  object: 'chat.completion',
  created: 1795644388,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content:
          'Orchard follows for hello ember honest in vivid. With ladder for engine region. Returns measures opens you careful and hello Say not summit. Tangent at model are hello. To delta velvet answer sunset. Bright gentle record glacier is and kettle shelter. Cloud spiral.',
        refusal: null,
        annotations: [],
      },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: {
    prompt_tokens: 11,
    completion_tokens: 53,
    total_tokens: 64,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  service_tier: 'default',
  system_fingerprint: 'fp_7701b6cb04',
});

const CHUNK_HEADER = {
  id: 'chatcmpl-nXYc3HoRn9HQN7SUfOJCPXJ7BylcI',
  object: 'chat.completion.chunk',
  created: 1795644756,
  model: 'gpt-4o-mini-2024-07-18',
  service_tier: 'default',
  system_fingerprint: 'fp_7701b6cb04',
};

function frame(choices: unknown[], usage: unknown = null): string {
  return `data: ${JSON.stringify({ ...CHUNK_HEADER, choices, usage })}\n\n`;
}

function delta(value: Record<string, unknown>, finishReason: string | null = null): unknown {
  return { index: 0, delta: value, logprobs: null, finish_reason: finishReason };
}

/** The `data:` of one content chunk of that stream, as the provider parses it per event. */
export const UPSTREAM_STREAM_CHUNK = JSON.stringify({
  ...CHUNK_HEADER,
  choices: [delta({ content: ' "word' })],
  usage: null,
});

/** The sandbox's 100-token stream as Converge receives it (it always asks for the usage chunk). */
function buildStreamText(tokens: number): string {
  let text = frame([delta({ role: 'assistant', content: '', refusal: null })]);
  for (let index = 0; index < tokens; index++) text += frame([delta({ content: ' word' })]);
  text += frame([delta({}, 'length')]);
  text += frame([], { prompt_tokens: 44, completion_tokens: tokens, total_tokens: 44 + tokens });
  return `${text}data: [DONE]\n\n`;
}

const STREAM_BYTES = Buffer.from(buildStreamText(100));

/** A fresh upstream body holding the whole stream in one chunk, as a zero-latency upstream sends it. */
export function upstreamStreamBody(): AsyncIterable<Uint8Array> & { destroy(): void } {
  return {
    async *[Symbol.asyncIterator]() {
      yield STREAM_BYTES;
    },
    destroy() {},
  };
}
