/** What one text or stream call produced, in dialect-neutral terms. */
export interface TextOutcome {
  text: string;
  inputTokens: number;
  outputTokens: number;
  /** Values of `x-converge-warnings` seen on the response. */
  warnings: string[];
}

export interface ToolOutcome {
  toolName: string;
  /** JSON arguments the model sent with the call. */
  argumentsJson: string;
  /** Text of the answer after the tool result went back. */
  finalText: string;
  warnings: string[];
}

/** The SDK's own error for a failed call: whether it is the dialect's error class, and its status. */
export interface ErrorOutcome {
  isDialectError: boolean;
  status: number | undefined;
  name: string;
  /** The error's message, to tell an upstream refusal from one of the gateway's own. */
  message: string;
}

/** What a call that must fail sends; defaults: a short greeting and the driver's usual token cap. */
export interface FailureRequest {
  prompt?: string;
  maxTokens?: number;
}

/** Options of a call whose finish signal is inspected. */
export interface FinishOptions {
  /** Bedrock dialect only: attach a `guardrailConfig` (no other dialect can express one). */
  guardrail?: boolean;
}

/** One client dialect driven through its official SDK. */
export interface DialectDriver {
  id: string;
  text(model: string, prompt: string): Promise<TextOutcome>;
  stream(model: string, prompt: string): Promise<TextOutcome>;
  toolRoundTrip(model: string, prompt: string): Promise<ToolOutcome>;
  /** Runs a call that must fail and describes the error the SDK threw. */
  failure(model: string, request?: FailureRequest): Promise<ErrorOutcome>;
  /** A non-stream call; returns the dialect's raw finish / stop reason. */
  finishReason(model: string, prompt: string, options?: FinishOptions): Promise<string>;
}

export const MAX_TOKENS = 40;
export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object' as const,
    properties: { city: { type: 'string', description: 'City name' } },
    required: ['city'],
  },
};
export const TOOL_RESULT = { city: 'Lisbon', temperatureCelsius: 21, sky: 'clear' };

/** Splits a header value into its listed warnings; empty when absent. */
export function warningsOf(value: string | null | undefined): string[] {
  if (value === null || value === undefined || value.trim() === '') return [];
  return [value];
}

/** Awaits a call that must throw and returns what it threw; a resolved call is itself a failure. */
export async function thrownBy(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error: unknown) {
    return error;
  }
  throw new Error('the call succeeded but an error was expected');
}
