import {
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  type ContentBlock,
  ConverseCommand,
  ConverseStreamCommand,
  type Message,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  type DialectDriver,
  MAX_TOKENS,
  TOOL_RESULT,
  thrownBy,
  WEATHER_TOOL,
  warningsOf,
} from './dialect-driver.js';

const toolConfig = {
  tools: [
    {
      toolSpec: {
        name: WEATHER_TOOL.name,
        description: WEATHER_TOOL.description,
        inputSchema: {
          json: { ...WEATHER_TOOL.parameters, required: [...WEATHER_TOOL.parameters.required] },
        },
      },
    },
  ],
};

/** A fresh client (a Bedrock API key = the virtual key as Bearer) that remembers the last response's headers. */
function createClient(url: string, token: string) {
  const client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: url,
    token: { token },
    authSchemePreference: ['httpBearerAuth'],
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
  const seen = { headers: {} as Record<string, string> };
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      seen.headers = (result.response as { headers: Record<string, string> }).headers;
      return result;
    },
    { step: 'deserialize', name: 'captureConformanceHeaders' },
  );
  return { client, warnings: () => warningsOf(seen.headers['x-converge-warnings']) };
}

function textOf(content: ContentBlock[] | undefined): string {
  return (content ?? []).map((block) => block.text ?? '').join('');
}

/** Any identifier: the sandbox's guardrail knows one blocked word, whatever guardrail is named. */
const CONFORMANCE_GUARDRAIL = { guardrailIdentifier: 'conformance-guardrail', guardrailVersion: '1' };

const userText = (text: string): Message => ({ role: 'user', content: [{ text }] });

/** The Bedrock Converse dialect through `@aws-sdk/client-bedrock-runtime`; the model id is the public name. */
export function createBedrockDriver(url: string, token: string): DialectDriver {
  return {
    id: 'bedrock',
    async text(model, prompt) {
      const { client, warnings } = createClient(url, token);
      const output = await client.send(
        new ConverseCommand({
          modelId: model,
          messages: [userText(prompt)],
          inferenceConfig: { maxTokens: MAX_TOKENS },
        }),
      );
      client.destroy();
      return {
        text: textOf(output.output?.message?.content),
        inputTokens: output.usage?.inputTokens ?? 0,
        outputTokens: output.usage?.outputTokens ?? 0,
        warnings: warnings(),
      };
    },
    async stream(model, prompt) {
      const { client, warnings } = createClient(url, token);
      const output = await client.send(
        new ConverseStreamCommand({
          modelId: model,
          messages: [userText(prompt)],
          inferenceConfig: { maxTokens: MAX_TOKENS },
        }),
      );
      let text = '';
      let inputTokens = 0;
      let outputTokens = 0;
      for await (const event of output.stream ?? []) {
        text += event.contentBlockDelta?.delta?.text ?? '';
        if (event.metadata?.usage) {
          inputTokens = event.metadata.usage.inputTokens ?? 0;
          outputTokens = event.metadata.usage.outputTokens ?? 0;
        }
      }
      client.destroy();
      return { text, inputTokens, outputTokens, warnings: warnings() };
    },
    async toolRoundTrip(model, prompt) {
      const { client, warnings } = createClient(url, token);
      const messages: Message[] = [userText(prompt)];
      const first = await client.send(
        new ConverseCommand({
          modelId: model,
          messages,
          toolConfig,
          inferenceConfig: { maxTokens: MAX_TOKENS * 4 },
        }),
      );
      const firstWarnings = warnings();
      const content = first.output?.message?.content ?? [];
      const call = content.find((block) => block.toolUse !== undefined)?.toolUse;
      if (call === undefined) throw new Error(`no toolUse block (stopReason ${first.stopReason})`);
      messages.push(
        { role: 'assistant', content },
        {
          role: 'user',
          content: [{ toolResult: { toolUseId: call.toolUseId, content: [{ json: TOOL_RESULT }] } }],
        },
      );
      const second = await client.send(
        new ConverseCommand({
          modelId: model,
          messages,
          toolConfig,
          inferenceConfig: { maxTokens: MAX_TOKENS },
        }),
      );
      client.destroy();
      return {
        toolName: call.name ?? '',
        argumentsJson: JSON.stringify(call.input),
        finalText: textOf(second.output?.message?.content),
        warnings: [...firstWarnings, ...warnings()],
      };
    },
    async failure(model, request) {
      const { client } = createClient(url, token);
      const inferenceConfig = request?.maxTokens === undefined ? {} : { maxTokens: request.maxTokens };
      const error = await thrownBy(() =>
        client.send(
          new ConverseCommand({
            modelId: model,
            messages: [userText(request?.prompt ?? 'Hello')],
            inferenceConfig,
          }),
        ),
      );
      client.destroy();
      return {
        isDialectError: error instanceof BedrockRuntimeServiceException,
        status: error instanceof BedrockRuntimeServiceException ? error.$metadata.httpStatusCode : undefined,
        name: error instanceof Error ? error.name : String(error),
        message: error instanceof Error ? error.message : String(error),
      };
    },
    async finishReason(model, prompt, options) {
      const { client } = createClient(url, token);
      const output = await client.send(
        new ConverseCommand({
          modelId: model,
          messages: [userText(prompt)],
          inferenceConfig: { maxTokens: MAX_TOKENS },
          ...(options?.guardrail === true ? { guardrailConfig: CONFORMANCE_GUARDRAIL } : {}),
        }),
      );
      client.destroy();
      return output.stopReason ?? 'none';
    },
  };
}
