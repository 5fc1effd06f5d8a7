import OpenAI, { AzureOpenAI } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import {
  type DialectDriver,
  MAX_TOKENS,
  TOOL_RESULT,
  thrownBy,
  WEATHER_TOOL,
  warningsOf,
} from './dialect-driver.js';

const tools: ChatCompletionTool[] = [{ type: 'function', function: { ...WEATHER_TOOL } }];

/** The OpenAI Chat Completions dialect, through `openai` or (per-deployment) `AzureOpenAI`. */
function createChatCompletionsDriver(id: string, clientFor: (model: string) => OpenAI): DialectDriver {
  return {
    id,
    async text(model, prompt) {
      const { data, response } = await clientFor(model)
        .chat.completions.create({
          model,
          max_tokens: MAX_TOKENS,
          messages: [{ role: 'user', content: prompt }],
        })
        .withResponse();
      return {
        text: data.choices[0]?.message.content ?? '',
        inputTokens: data.usage?.prompt_tokens ?? 0,
        outputTokens: data.usage?.completion_tokens ?? 0,
        warnings: warningsOf(response.headers.get('x-converge-warnings')),
      };
    },
    async stream(model, prompt) {
      const { data: stream, response } = await clientFor(model)
        .chat.completions.create({
          model,
          max_tokens: MAX_TOKENS,
          messages: [{ role: 'user', content: prompt }],
          stream: true,
          stream_options: { include_usage: true },
        })
        .withResponse();
      let text = '';
      let inputTokens = 0;
      let outputTokens = 0;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) {
          inputTokens = chunk.usage.prompt_tokens;
          outputTokens = chunk.usage.completion_tokens;
        }
      }
      return {
        text,
        inputTokens,
        outputTokens,
        warnings: warningsOf(response.headers.get('x-converge-warnings')),
      };
    },
    async toolRoundTrip(model, prompt) {
      const client = clientFor(model);
      const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: prompt }];
      const first = await client.chat.completions
        .create({ model, max_tokens: MAX_TOKENS * 4, messages, tools })
        .withResponse();
      const message = first.data.choices[0]?.message;
      const call = message?.tool_calls?.[0];
      if (message === undefined || call === undefined || call.type !== 'function')
        throw new Error(`no tool call (finish_reason ${first.data.choices[0]?.finish_reason})`);
      messages.push(message, { role: 'tool', tool_call_id: call.id, content: JSON.stringify(TOOL_RESULT) });
      const second = await client.chat.completions
        .create({ model, max_tokens: MAX_TOKENS, messages, tools })
        .withResponse();
      return {
        toolName: call.function.name,
        argumentsJson: call.function.arguments,
        finalText: second.data.choices[0]?.message.content ?? '',
        warnings: [
          ...warningsOf(first.response.headers.get('x-converge-warnings')),
          ...warningsOf(second.response.headers.get('x-converge-warnings')),
        ],
      };
    },
    async failure(model, request) {
      const error = await thrownBy(() =>
        clientFor(model).chat.completions.create({
          model,
          max_tokens: request?.maxTokens ?? MAX_TOKENS,
          messages: [{ role: 'user', content: request?.prompt ?? 'Hello' }],
        }),
      );
      return {
        isDialectError: error instanceof OpenAI.APIError,
        status: error instanceof OpenAI.APIError ? error.status : undefined,
        name: error instanceof Error ? error.constructor.name : String(error),
        message: error instanceof Error ? error.message : String(error),
      };
    },
    async finishReason(model, prompt) {
      const completion = await clientFor(model).chat.completions.create({
        model,
        max_tokens: MAX_TOKENS,
        messages: [{ role: 'user', content: prompt }],
      });
      return completion.choices[0]?.finish_reason ?? 'none';
    },
  };
}

/** @example createOpenAIDriver('http://127.0.0.1:4000', 'sk-cvg-…') */
export function createOpenAIDriver(url: string, apiKey: string): DialectDriver {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
  return createChatCompletionsDriver('openai', () => client);
}

/** Azure OpenAI: the public model name is the deployment name. */
export function createAzureOpenAIDriver(url: string, apiKey: string): DialectDriver {
  return createChatCompletionsDriver(
    'azure-openai',
    (model) =>
      new AzureOpenAI({ endpoint: url, apiKey, apiVersion: '2024-10-21', deployment: model, maxRetries: 0 }),
  );
}
