import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import type { Warning } from '../../core/warning.js';
import { convertToBedrockConverseRequest } from './convert-to-bedrock-converse-request.js';

const CLAUDE_35 = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const LLAMA = 'us.meta.llama3-3-70b-instruct-v1:0';
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function request(overrides: Partial<ChatRequest>): ChatRequest {
  return {
    model: 'claude',
    stream: false,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    ...overrides,
  };
}

describe('convertToBedrockConverseRequest: messages', () => {
  it('maps every part type, hoists system text with its cache point and merges turns to alternate', () => {
    const { body, warnings } = convertToBedrockConverseRequest(
      request({
        messages: [
          {
            role: 'system',
            content: [{ type: 'text', text: 'You are terse.', cacheControl: { ttl: '1h' } }],
          },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these.', cacheControl: { ttl: '5m' } },
              { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: PNG } },
              { type: 'image', source: { type: 'url', url: `data:image/webp;base64,${PNG}` } },
              {
                type: 'document',
                name: 'Q3 report_final.v2.pdf',
                source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
              },
              {
                type: 'document',
                name: 'Q3 report final v2 pdf',
                source: { type: 'url', url: 's3://bucket/contracts/a.docx' },
              },
              { type: 'document', source: { type: 'base64', mediaType: 'text/markdown', data: 'IyBIaQ==' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'Weather needed.', signature: 'sig-1' },
              { type: 'reasoning', text: '', redactedData: 'cmVkYWN0ZWQ=' },
              { type: 'text', text: 'Checking.' },
              {
                type: 'tool-call',
                toolCallId: 'tooluse_1',
                toolName: 'get_weather',
                input: '{"city":"Paris"}',
              },
              { type: 'tool-call', toolCallId: 'tooluse_2', toolName: 'get_weather', input: '' },
            ],
          },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'tooluse_1', output: [{ type: 'text', text: '18°C' }] },
              {
                type: 'tool-result',
                toolCallId: 'tooluse_2',
                output: [],
                isError: true,
                cacheControl: { ttl: '5m' },
              },
            ],
          },
          { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
        ],
        tools: [weatherTool],
      }),
      CLAUDE_35,
    );
    expect(warnings).toEqual([]);
    expect(body.system).toEqual([{ text: 'You are terse.' }, { cachePoint: { type: 'default', ttl: '1h' } }]);
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { text: 'Compare these.' },
          { cachePoint: { type: 'default' } },
          { image: { format: 'png', source: { bytes: PNG } } },
          { image: { format: 'webp', source: { bytes: PNG } } },
          { document: { format: 'pdf', name: 'Q3 report final v2 pdf', source: { bytes: 'JVBERi0=' } } },
          {
            document: {
              format: 'docx',
              name: 'Q3 report final v2 pdf (2)',
              source: { s3Location: { uri: 's3://bucket/contracts/a.docx' } },
            },
          },
          { document: { format: 'md', name: 'document-3', source: { bytes: 'IyBIaQ==' } } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { reasoningContent: { reasoningText: { text: 'Weather needed.', signature: 'sig-1' } } },
          { reasoningContent: { redactedContent: 'cmVkYWN0ZWQ=' } },
          { text: 'Checking.' },
          { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'tooluse_2', name: 'get_weather', input: {} } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'tooluse_1', content: [{ text: '18°C' }] } },
          { toolResult: { toolUseId: 'tooluse_2', content: [{ text: '(empty)' }], status: 'error' } },
          { cachePoint: { type: 'default' } },
          { text: 'And tomorrow?' },
        ],
      },
    ]);
  });

  it('warns, never silently, about what it drops or moves', () => {
    const { body, warnings } = convertToBedrockConverseRequest(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look' },
              { type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'from another provider' },
              { type: 'text', text: 'Ok' },
            ],
          },
          { role: 'system', content: [{ type: 'text', text: 'Late rule.' }] },
          {
            role: 'user',
            content: [
              { type: 'audio', data: 'AAAA', format: 'wav' },
              { type: 'text', text: 'Hear?' },
            ],
          },
        ],
      }),
      CLAUDE_35,
    );
    expect(body.system).toEqual([{ text: 'Late rule.' }]);
    expect(body.messages.map((message) => message.content)).toEqual([
      [{ text: 'Look' }],
      [{ text: 'Ok' }],
      [{ text: 'Hear?' }],
    ]);
    expect(warnings).toEqual<Warning[]>([
      { type: 'other', message: 'messages[0].content[1]: Bedrock cannot fetch image URLs; image dropped' },
      {
        type: 'other',
        message: 'messages[1].content[0]: reasoning without a Bedrock signature cannot be sent back; dropped',
      },
      {
        type: 'other',
        message:
          'messages[2]: Bedrock takes system text only before the conversation; moved to the system prompt',
      },
      {
        type: 'other',
        message: 'messages[3].content[0]: audio input is not supported through Converse; dropped',
      },
    ]);
  });

  it('trims trailing whitespace from a final assistant prefill (Claude rejects it)', () => {
    const { body } = convertToBedrockConverseRequest(
      request({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Start a list' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'Here it is:\n ' }] },
        ],
      }),
      CLAUDE_35,
    );
    expect(body.messages.at(-1)).toEqual({ role: 'assistant', content: [{ text: 'Here it is:' }] });
  });

  it('drops cache points and tool-result status for models without them, with warnings', () => {
    const { body, warnings } = convertToBedrockConverseRequest(
      request({
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Rules', cacheControl: { ttl: '5m' } }] },
          { role: 'user', content: [{ type: 'text', text: 'Go' }] },
          {
            role: 'assistant',
            content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'run', input: '{}' }],
          },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 't1',
                output: [{ type: 'text', text: 'boom' }],
                isError: true,
              },
            ],
          },
        ],
        tools: [{ name: 'run', inputSchema: { type: 'object' } }],
      }),
      LLAMA,
    );
    expect(body.system).toEqual([{ text: 'Rules' }]);
    expect(body.messages.at(-1)?.content).toEqual([
      { toolResult: { toolUseId: 't1', content: [{ text: 'boom' }] } },
    ]);
    expect(warnings).toEqual<Warning[]>([
      { type: 'unsupported-setting', setting: 'cacheControl' },
      {
        type: 'other',
        message:
          'messages[3].content[0]: this model does not take a tool-result error status; sent as a plain result',
      },
    ]);
  });
});

describe('convertToBedrockConverseRequest: settings', () => {
  it('maps sampling to inferenceConfig, metadata to requestMetadata, top_k for Claude; warns for the rest', () => {
    const { body, warnings } = convertToBedrockConverseRequest(
      request({
        maxOutputTokens: 300,
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        stopSequences: ['END'],
        seed: 7,
        frequencyPenalty: 0.5,
        presencePenalty: 0.1,
        user: 'u-1',
        metadata: { team: 'search' },
      }),
      CLAUDE_35,
    );
    expect(body).toMatchObject({
      inferenceConfig: { maxTokens: 300, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
      additionalModelRequestFields: { top_k: 40 },
      requestMetadata: { team: 'search' },
    });
    expect(warnings.map((warning) => warning.type === 'unsupported-setting' && warning.setting)).toEqual([
      'seed',
      'frequencyPenalty',
      'presencePenalty',
      'user',
    ]);
  });

  it.each([
    ['mistral.mistral-large-2407-v1:0', { top_k: 5 }],
    ['us.amazon.nova-lite-v1:0', { inferenceConfig: { topK: 5 } }],
  ])('topK for %s → %j', (modelId, fields) => {
    const { body, warnings } = convertToBedrockConverseRequest(request({ topK: 5 }), modelId);
    expect(body.additionalModelRequestFields).toEqual(fields);
    expect(warnings).toEqual([]);
  });

  it('topK for a model without it: a warning and nothing sent', () => {
    const { body, warnings } = convertToBedrockConverseRequest(request({ topK: 5 }), LLAMA);
    expect(body.additionalModelRequestFields).toBeUndefined();
    expect(warnings).toMatchObject([{ type: 'unsupported-setting', setting: 'topK' }]);
  });

  it('passes providerOptions.bedrock through, merging model fields and metadata; unknown keys warn', () => {
    const { body, warnings } = convertToBedrockConverseRequest(
      request({
        topK: 3,
        metadata: { team: 'search' },
        providerOptions: {
          bedrock: {
            guardrailConfig: { guardrailIdentifier: 'gr7ekz0xl8vu', guardrailVersion: '2', trace: 'enabled' },
            performanceConfig: { latency: 'optimized' },
            serviceTier: 'priority',
            promptVariables: { topic: { text: 'tides' } },
            additionalModelRequestFields: { anthropic_beta: ['context-1m-2025-08-07'] },
            requestMetadata: { costCenter: '42' },
            temperatureScale: 2,
          },
        },
      }),
      CLAUDE_35,
    );
    expect(body).toMatchObject({
      guardrailConfig: { guardrailIdentifier: 'gr7ekz0xl8vu', guardrailVersion: '2', trace: 'enabled' },
      performanceConfig: { latency: 'optimized' },
      serviceTier: { type: 'priority' },
      promptVariables: { topic: { text: 'tides' } },
      additionalModelRequestFields: { top_k: 3, anthropic_beta: ['context-1m-2025-08-07'] },
      requestMetadata: { team: 'search', costCenter: '42' },
    });
    expect(body).not.toHaveProperty('temperatureScale');
    expect(warnings).toEqual([
      { type: 'unsupported-setting', setting: 'providerOptions.bedrock.temperatureScale' },
    ]);
  });
});
