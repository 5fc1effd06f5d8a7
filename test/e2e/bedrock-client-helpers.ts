import { crc32, deflateSync } from 'node:zlib';
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  type Message,
  type Tool,
} from '@aws-sdk/client-bedrock-runtime';
import { expect } from 'vitest';

/** A valid 1×1 red PNG, built here so the test carries no binary fixture. */
export function tinyPng(): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  const pixels = deflateSync(Buffer.from([0, 255, 0, 0]));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const weatherTool: Tool = {
  toolSpec: {
    name: 'get_weather',
    description: 'Current weather for a city',
    inputSchema: {
      json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
};

export async function converseText(client: BedrockRuntimeClient, input: ConverseCommandInput) {
  const output = await client.send(new ConverseCommand(input));
  const text = (output.output?.message?.content ?? []).map((block) => block.text ?? '').join('');
  return { output, text };
}

export async function converseStreamText(client: BedrockRuntimeClient, input: ConverseCommandInput) {
  const output = await client.send(new ConverseStreamCommand(input));
  let text = '';
  let usage: { inputTokens?: number; outputTokens?: number } | undefined;
  let stopReason: string | undefined;
  for await (const event of output.stream ?? []) {
    text += event.contentBlockDelta?.delta?.text ?? '';
    stopReason = event.messageStop?.stopReason ?? stopReason;
    usage = event.metadata?.usage ?? usage;
  }
  return { text, usage, stopReason };
}

/** A toolUse turn, then the toolResult turn; returns the final answer's text. */
export async function toolRoundTrip(client: BedrockRuntimeClient, modelId: string) {
  const first: Message = {
    role: 'user',
    content: [{ text: 'What is the weather in Paris? Use get_weather.' }],
  };
  const call = await client.send(
    new ConverseCommand({ modelId, messages: [first], toolConfig: { tools: [weatherTool] } }),
  );
  expect(call.stopReason).toBe('tool_use');
  const assistant = call.output?.message;
  const toolUse = assistant?.content?.find((block) => block.toolUse !== undefined)?.toolUse;
  expect(toolUse?.name).toBe('get_weather');
  expect(typeof (toolUse?.input as { city?: unknown } | undefined)?.city).toBe('string');
  const answer = await converseText(client, {
    modelId,
    toolConfig: { tools: [weatherTool] },
    messages: [
      first,
      assistant as Message,
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: toolUse?.toolUseId, content: [{ text: '18 degrees and sunny' }] } },
        ],
      },
    ],
  });
  expect(answer.output.stopReason).toBe('end_turn');
  return answer.text;
}
