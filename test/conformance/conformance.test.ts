import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeParseJson } from '../../src/core/safe-parse-json.js';
import { createAnthropicDriver } from './anthropic-driver.js';
import { createBedrockDriver } from './bedrock-driver.js';
import {
  CONFORMANCE_KEY,
  type ConformanceStack,
  PROVIDER_CELLS,
  startConformanceStack,
} from './conformance-stack.js';
import type { DialectDriver, TextOutcome } from './dialect-driver.js';
import { createGeminiDriver } from './gemini-driver.js';
import { createAzureOpenAIDriver, createOpenAIDriver } from './openai-driver.js';
import {
  type CellResult,
  type CheckId,
  type ResultMatrix,
  recordResult,
  renderCompatibilityDoc,
  writeCompatibilityDoc,
} from './write-compatibility-doc.js';

const DIALECTS = ['openai', 'azure-openai', 'bedrock', 'gemini', 'anthropic'] as const;
const PROMPT = 'Write two sentences about lighthouses on rocky coasts.';
const TOOL_PROMPT = 'Use get_weather to tell me the weather in Lisbon.';
/**
 * The dialect's own status for "upstream unavailable": 503 everywhere except Anthropic, whose API signals
 * overload with 529 `overloaded_error` (src/dialects/anthropic/write-error.ts), which its SDK retries.
 */
const UNAVAILABLE_STATUS: Record<(typeof DIALECTS)[number], number> = {
  openai: 503,
  'azure-openai': 503,
  bedrock: 503,
  gemini: 503,
  anthropic: 529,
};

/** The SDK error class each dialect must raise for an upstream 429 (status 429 everywhere). */
const RATE_LIMIT_CLASS: Record<(typeof DIALECTS)[number], string> = {
  openai: 'RateLimitError',
  'azure-openai': 'RateLimitError',
  bedrock: 'ThrottlingException',
  gemini: 'ApiError',
  anthropic: 'RateLimitError',
};

/**
 * The status each dialect must show for an upstream 5xx: the gateway's `upstream_error` (502), except
 * Bedrock, whose dialect reports a failing model as `ModelErrorException` 424 (src/dialects/bedrock/write-error.ts).
 */
const SERVER_ERROR: Record<(typeof DIALECTS)[number], { name?: string; status: number }> = {
  openai: { status: 502 },
  'azure-openai': { status: 502 },
  bedrock: { name: 'ModelErrorException', status: 424 },
  gemini: { status: 502 },
  anthropic: { status: 502 },
};

/** The SDK error class each dialect must raise for an upstream 400 passed through (status 400). */
const BAD_REQUEST_CLASS: Record<(typeof DIALECTS)[number], string> = {
  openai: 'BadRequestError',
  'azure-openai': 'BadRequestError',
  bedrock: 'ValidationException',
  gemini: 'ApiError',
  anthropic: 'BadRequestError',
};

/**
 * Above every cell's upstream maximum output (16,384 for gpt-4o-mini, 8,192 for the others), yet below
 * the ~21,333 at which the Anthropic SDK itself refuses a non-streaming call as too long.
 */
const OVERSIZED_MAX_TOKENS = 20_000;

/** Each cell's upstream model's maximum output as its emulator states it (Google: the exclusive bound). */
const UPSTREAM_OUTPUT_LIMITS: Record<string, string> = {
  openai: '16384',
  'azure-openai': '16384',
  'openai-compatible': '16384',
  bedrock: '8192',
  vertex: '8193',
  gemini: '8193',
  anthropic: '8192',
};

/** Each dialect's own content-filter finish signal. */
const FILTER_SIGNALS: Record<(typeof DIALECTS)[number], readonly string[]> = {
  openai: ['content_filter'],
  'azure-openai': ['content_filter'],
  bedrock: ['content_filtered', 'guardrail_intervened'],
  gemini: ['SAFETY'],
  anthropic: ['refusal'],
};

const OUTPUT_FILTER_PROMPT = 'Write two sentences about lighthouses. CF_BLOCK_OUTPUT';
const GUARDRAIL_PROMPT = 'Write two sentences about lighthouses. GUARDRAIL_BLOCK';

/** Thrown by a check body that cannot apply to its cell; recorded as n/a with the reason. */
class NotApplicable extends Error {}

let stack: ConformanceStack;
const matrix: ResultMatrix = new Map();

function driverFor(dialect: (typeof DIALECTS)[number], url: string): DialectDriver {
  if (dialect === 'openai') return createOpenAIDriver(url, CONFORMANCE_KEY);
  if (dialect === 'azure-openai') return createAzureOpenAIDriver(url, CONFORMANCE_KEY);
  if (dialect === 'bedrock') return createBedrockDriver(url, CONFORMANCE_KEY);
  if (dialect === 'gemini') return createGeminiDriver(url, CONFORMANCE_KEY);
  return createAnthropicDriver(url, CONFORMANCE_KEY);
}

function failed(error: unknown): CellResult {
  return { status: 'fail', warnings: [], detail: error instanceof Error ? error.message : String(error) };
}

function assertThat(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

type RunCheck = (id: CheckId, run: () => Promise<string[]>) => Promise<void>;

/** A check body returns the warnings it saw; a throw records the cell as failed with the message. */
function createCheckRunner(results: Map<CheckId, CellResult>, observed: Partial<Record<CheckId, string>>) {
  return async (id: CheckId, run: () => Promise<string[]>): Promise<void> => {
    try {
      const warnings = await run();
      const seen = observed[id];
      results.set(id, { status: 'pass', warnings, ...(seen === undefined ? {} : { observed: seen }) });
    } catch (error: unknown) {
      if (error instanceof NotApplicable) {
        results.set(id, { status: 'n/a', warnings: [], detail: error.message });
        return;
      }
      results.set(id, failed(error));
    }
  };
}

function hasCityArgument(argumentsJson: string): boolean {
  const parsed = safeParseJson(argumentsJson);
  return (
    parsed.success &&
    typeof parsed.value === 'object' &&
    parsed.value !== null &&
    typeof (parsed.value as { city?: unknown }).city === 'string'
  );
}

/** Text, stream (same text as non-stream), streamed usage, and the tool round trip. */
async function runSuccessChecks(check: RunCheck, driver: DialectDriver, model: string): Promise<void> {
  let reference: TextOutcome | undefined;
  await check('text', async () => {
    reference = await driver.text(model, PROMPT);
    assertThat(reference.text.trim() !== '', 'empty text');
    assertThat(reference.inputTokens > 0, `input tokens ${reference.inputTokens}`);
    assertThat(reference.outputTokens > 0, `output tokens ${reference.outputTokens}`);
    return reference.warnings;
  });
  let streamed: TextOutcome | undefined;
  await check('stream', async () => {
    streamed = await driver.stream(model, PROMPT);
    assertThat(reference !== undefined, 'no non-stream text to compare with (text check failed)');
    assertThat(
      streamed.text === reference?.text,
      `stream text ${JSON.stringify(streamed.text)} ≠ non-stream ${JSON.stringify(reference?.text)}`,
    );
    return streamed.warnings;
  });
  await check('usage', async () => {
    assertThat(streamed !== undefined, 'the stream call failed');
    assertThat((streamed?.inputTokens ?? 0) > 0, `streamed input tokens ${streamed?.inputTokens}`);
    assertThat((streamed?.outputTokens ?? 0) > 0, `streamed output tokens ${streamed?.outputTokens}`);
    return streamed?.warnings ?? [];
  });
  await check('tools', async () => {
    const outcome = await driver.toolRoundTrip(model, TOOL_PROMPT);
    assertThat(outcome.toolName === 'get_weather', `called ${outcome.toolName}`);
    assertThat(hasCityArgument(outcome.argumentsJson), `arguments ${outcome.argumentsJson}`);
    assertThat(outcome.finalText.trim() !== '', 'no text after the tool result');
    return outcome.warnings;
  });
}

/** Upstream 429 and 500 (from the faulty sandboxes) must reach the client as its dialect's own errors. */
async function runUpstreamFaultChecks(
  check: RunCheck,
  observed: Partial<Record<CheckId, string>>,
  driver: DialectDriver,
  dialect: (typeof DIALECTS)[number],
  provider: string,
): Promise<void> {
  await check('rate-limited', async () => {
    const error = await driver.failure(`cell-${provider}-429`);
    observed['rate-limited'] = `${error.name} ${error.status}`;
    const expected = RATE_LIMIT_CLASS[dialect];
    const ok = error.isDialectError && error.name === expected && error.status === 429;
    assertThat(ok, `${error.name} status ${error.status}, expected ${expected} 429`);
    return [];
  });
  await check('server-error', async () => {
    const error = await driver.failure(`cell-${provider}-500`);
    observed['server-error'] = `${error.name} ${error.status}`;
    const expected = SERVER_ERROR[dialect];
    const ok =
      error.isDialectError &&
      error.status === expected.status &&
      (expected.name === undefined || error.name === expected.name);
    assertThat(
      ok,
      `${error.name} status ${error.status}, expected ${expected.name ?? 'its error'} ${expected.status}`,
    );
    return [];
  });
}

/** A wrong provider credential (upstream 401/403) and an upstream-refused token cap (upstream 400). */
async function runUpstreamRefusalChecks(
  check: RunCheck,
  observed: Partial<Record<CheckId, string>>,
  driver: DialectDriver,
  dialect: (typeof DIALECTS)[number],
  provider: string,
): Promise<void> {
  await check('upstream-auth', async () => {
    const error = await driver.failure(`cell-${provider}-badkey`);
    observed['upstream-auth'] = `${error.name} ${error.status}`;
    // upstream_auth_failed: 502 everywhere; Bedrock's dialect maps it to ModelErrorException 424.
    const expected = SERVER_ERROR[dialect];
    const ok =
      error.isDialectError &&
      error.status === expected.status &&
      (expected.name === undefined || error.name === expected.name);
    assertThat(
      ok,
      `${error.name} status ${error.status}, expected ${expected.name ?? 'its error'} ${expected.status}`,
    );
    // 502 is also `upstream_error`'s status: the message tells the credential refusal apart.
    const refused = error.message.includes("rejected the gateway's");
    assertThat(refused, `not an upstream_auth_failed message: ${error.message}`);
    return [];
  });
  await check('upstream-invalid', async () => {
    const error = await driver.failure(`cell-${provider}`, { maxTokens: OVERSIZED_MAX_TOKENS });
    observed['upstream-invalid'] = `${error.name} ${error.status}`;
    const expected = BAD_REQUEST_CLASS[dialect];
    const ok = error.isDialectError && error.name === expected && error.status === 400;
    assertThat(ok, `${error.name} status ${error.status}, expected ${expected} 400`);
    // Only the upstream knows its model's output maximum: naming it proves the 400 was not the gateway's.
    const limit = UPSTREAM_OUTPUT_LIMITS[provider] ?? 'unknown';
    assertThat(
      error.message.includes(limit),
      `the message does not name the upstream limit ${limit}: ${error.message}`,
    );
    return [];
  });
}

/** The provider's content filter, shown as the dialect's own finish signal. */
async function runSafetyCheck(
  check: RunCheck,
  observed: Partial<Record<CheckId, string>>,
  driver: DialectDriver,
  dialect: (typeof DIALECTS)[number],
  provider: string,
): Promise<void> {
  await check('safety', async () => {
    if (provider === 'openai' || provider === 'openai-compatible')
      throw new NotApplicable('n/a — the upstream has no content filter');
    if (provider === 'bedrock' && dialect !== 'bedrock')
      throw new NotApplicable(
        "n/a — Bedrock's filter is a guardrail, which needs a `guardrailConfig` only the Bedrock dialect can send",
      );
    const guardrail = provider === 'bedrock';
    const signal = await driver.finishReason(
      `cell-${provider}`,
      guardrail ? GUARDRAIL_PROMPT : OUTPUT_FILTER_PROMPT,
      { guardrail },
    );
    observed.safety = signal;
    const expected = FILTER_SIGNALS[dialect];
    assertThat(expected.includes(signal), `finish signal ${signal}, expected ${expected.join(' or ')}`);
    return [];
  });
}

/** Every check of one dialect × provider cell; each outcome is kept, pass or fail. */
async function runCell(
  driver: DialectDriver,
  dialect: (typeof DIALECTS)[number],
  provider: string,
): Promise<Map<CheckId, CellResult>> {
  const results = new Map<CheckId, CellResult>();
  const observed: Partial<Record<CheckId, string>> = {};
  const check = createCheckRunner(results, observed);
  await runSuccessChecks(check, driver, `cell-${provider}`);
  await check('unreachable', async () => {
    const error = await driver.failure(`cell-${provider}-down`);
    observed.unreachable = `${error.name} ${error.status}`;
    const expected = UNAVAILABLE_STATUS[dialect];
    const ok = error.isDialectError && error.status === expected;
    assertThat(ok, `${error.name} status ${error.status}, expected ${expected}`);
    return [];
  });
  await runUpstreamFaultChecks(check, observed, driver, dialect, provider);
  await runUpstreamRefusalChecks(check, observed, driver, dialect, provider);
  await runSafetyCheck(check, observed, driver, dialect, provider);
  await check('unknown', async () => {
    const error = await driver.failure(`cell-${provider}-no-such-model`);
    observed.unknown = `${error.name} ${error.status}`;
    const ok = error.isDialectError && error.status === 404;
    assertThat(ok, `${error.name} status ${error.status}, expected 404`);
    return [];
  });
  return results;
}

beforeAll(async () => {
  stack = await startConformanceStack();
}, 60_000);

let cellsRun = 0;

afterAll(async () => {
  // Only a full run rewrites the doc, so a filtered run (`-t`) cannot replace it with a partial matrix.
  if (cellsRun === DIALECTS.length * PROVIDER_CELLS.length) {
    const markdown = renderCompatibilityDoc(matrix, DIALECTS, PROVIDER_CELLS);
    await writeCompatibilityDoc(new URL('../../docs/compatibility.md', import.meta.url), markdown);
  }
  await stack?.close();
});

describe.each(DIALECTS)('%s dialect', (dialect) => {
  it.each(PROVIDER_CELLS.map((cell) => cell.id))('against the %s provider', async (provider) => {
    const results = await runCell(driverFor(dialect, stack.gateway.url), dialect, provider);
    cellsRun++;
    const failures: string[] = [];
    for (const [check, result] of results) {
      recordResult(matrix, { check, dialect, provider }, result);
      if (result.status === 'fail') failures.push(`${check}: ${result.detail}`);
    }
    expect(failures).toEqual([]);
  });
});
