import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import {
  type DialectDriver,
  MAX_TOKENS,
  TOOL_RESULT,
  thrownBy,
  WEATHER_TOOL,
  warningsOf,
} from './dialect-driver.js';

const tools = [
  { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.parameters },
];

function textOf(content: Anthropic.ContentBlock[]): string {
  return content.map((block) => (block.type === 'text' ? block.text : '')).join('');
}

/** The Anthropic Messages dialect through `@anthropic-ai/sdk`. */
export function createAnthropicDriver(url: string, apiKey: string): DialectDriver {
  const client = new Anthropic({ baseURL: url, apiKey, maxRetries: 0 });
  return {
    id: 'anthropic',
    async text(model, prompt) {
      const { data, response } = await client.messages
        .create({ model, max_tokens: MAX_TOKENS, messages: [{ role: 'user', content: prompt }] })
        .withResponse();
      return {
        text: textOf(data.content),
        inputTokens: data.usage.input_tokens,
        outputTokens: data.usage.output_tokens,
        warnings: warningsOf(response.headers.get('x-converge-warnings')),
      };
    },
    async stream(model, prompt) {
      const { data: stream, response } = await client.messages
        .create({
          model,
          max_tokens: MAX_TOKENS,
          messages: [{ role: 'user', content: prompt }],
          stream: true,
        })
        .withResponse();
      let text = '';
      let inputTokens = 0;
      let outputTokens = 0;
      for await (const event of stream) {
        if (event.type === 'message_start') inputTokens = event.message.usage.input_tokens;
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
          text += event.delta.text;
        if (event.type === 'message_delta') outputTokens = event.usage.output_tokens;
      }
      return {
        text,
        inputTokens,
        outputTokens,
        warnings: warningsOf(response.headers.get('x-converge-warnings')),
      };
    },
    async toolRoundTrip(model, prompt) {
      const messages: MessageParam[] = [{ role: 'user', content: prompt }];
      const first = await client.messages
        .create({ model, max_tokens: MAX_TOKENS * 4, messages, tools })
        .withResponse();
      const call = first.data.content.find((block) => block.type === 'tool_use');
      if (call === undefined) throw new Error(`no tool_use block (stop_reason ${first.data.stop_reason})`);
      messages.push(
        { role: 'assistant', content: first.data.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: call.id, content: JSON.stringify(TOOL_RESULT) }],
        },
      );
      const second = await client.messages
        .create({ model, max_tokens: MAX_TOKENS, messages, tools })
        .withResponse();
      return {
        toolName: call.name,
        argumentsJson: JSON.stringify(call.input),
        finalText: textOf(second.data.content),
        warnings: [
          ...warningsOf(first.response.headers.get('x-converge-warnings')),
          ...warningsOf(second.response.headers.get('x-converge-warnings')),
        ],
      };
    },
    async failure(model, request) {
      const error = await thrownBy(() =>
        client.messages.create({
          model,
          max_tokens: request?.maxTokens ?? MAX_TOKENS,
          messages: [{ role: 'user', content: request?.prompt ?? 'Hello' }],
        }),
      );
      return {
        isDialectError: error instanceof Anthropic.APIError,
        status: error instanceof Anthropic.APIError ? error.status : undefined,
        name: error instanceof Error ? error.constructor.name : String(error),
        message: error instanceof Error ? error.message : String(error),
      };
    },
    async finishReason(model, prompt) {
      const message = await client.messages.create({
        model,
        max_tokens: MAX_TOKENS,
        messages: [{ role: 'user', content: prompt }],
      });
      return message.stop_reason ?? 'none';
    },
  };
}
