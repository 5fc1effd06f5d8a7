import { ApiError, type Content, GoogleGenAI, Type } from '@google/genai';
import {
  type DialectDriver,
  MAX_TOKENS,
  TOOL_RESULT,
  thrownBy,
  WEATHER_TOOL,
  warningsOf,
} from './dialect-driver.js';

const tools = [
  {
    functionDeclarations: [
      {
        name: WEATHER_TOOL.name,
        description: WEATHER_TOOL.description,
        parameters: {
          type: Type.OBJECT,
          properties: { city: { type: Type.STRING, description: 'City name' } },
          required: ['city'],
        },
      },
    ],
  },
];

function headerWarnings(response: { sdkHttpResponse?: { headers?: Record<string, string> } }): string[] {
  return warningsOf(response.sdkHttpResponse?.headers?.['x-converge-warnings']);
}

/** The Gemini generateContent dialect through `@google/genai`. */
export function createGeminiDriver(url: string, apiKey: string): DialectDriver {
  const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: url } });
  return {
    id: 'gemini',
    async text(model, prompt) {
      const response = await ai.models.generateContent({
        model,
        contents: prompt,
        config: { maxOutputTokens: MAX_TOKENS },
      });
      return {
        text: response.text ?? '',
        inputTokens: response.usageMetadata?.promptTokenCount ?? 0,
        outputTokens: response.usageMetadata?.candidatesTokenCount ?? 0,
        warnings: headerWarnings(response),
      };
    },
    async stream(model, prompt) {
      const stream = await ai.models.generateContentStream({
        model,
        contents: prompt,
        config: { maxOutputTokens: MAX_TOKENS },
      });
      let text = '';
      let inputTokens = 0;
      let outputTokens = 0;
      let warnings: string[] = [];
      for await (const chunk of stream) {
        text += chunk.text ?? '';
        if (warnings.length === 0) warnings = headerWarnings(chunk);
        inputTokens = chunk.usageMetadata?.promptTokenCount ?? inputTokens;
        outputTokens = chunk.usageMetadata?.candidatesTokenCount ?? outputTokens;
      }
      return { text, inputTokens, outputTokens, warnings };
    },
    async toolRoundTrip(model, prompt) {
      const contents: Content[] = [{ role: 'user', parts: [{ text: prompt }] }];
      const first = await ai.models.generateContent({
        model,
        contents,
        config: { tools, maxOutputTokens: MAX_TOKENS * 4 },
      });
      const call = first.functionCalls?.[0];
      const modelTurn = first.candidates?.[0]?.content;
      if (call === undefined || modelTurn === undefined)
        throw new Error(`no functionCall part (finishReason ${first.candidates?.[0]?.finishReason})`);
      contents.push(modelTurn, {
        role: 'user',
        parts: [{ functionResponse: { id: call.id, name: call.name, response: TOOL_RESULT } }],
      });
      const second = await ai.models.generateContent({
        model,
        contents,
        config: { tools, maxOutputTokens: MAX_TOKENS },
      });
      return {
        toolName: call.name ?? '',
        argumentsJson: JSON.stringify(call.args),
        finalText: second.text ?? '',
        warnings: [...headerWarnings(first), ...headerWarnings(second)],
      };
    },
    async failure(model, request) {
      const config = request?.maxTokens === undefined ? {} : { maxOutputTokens: request.maxTokens };
      const error = await thrownBy(() =>
        ai.models.generateContent({ model, contents: request?.prompt ?? 'Hello', config }),
      );
      return {
        isDialectError: error instanceof ApiError,
        status: error instanceof ApiError ? error.status : undefined,
        name: error instanceof Error ? error.constructor.name : String(error),
        message: error instanceof Error ? error.message : String(error),
      };
    },
    async finishReason(model, prompt) {
      const response = await ai.models.generateContent({
        model,
        contents: prompt,
        config: { maxOutputTokens: MAX_TOKENS },
      });
      return response.candidates?.[0]?.finishReason ?? response.promptFeedback?.blockReason ?? 'none';
    },
  };
}
