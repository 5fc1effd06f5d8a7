import type { CacheUsage } from './bedrock-prompt-cache.js';
import type { GuardrailConfigBody } from './converse-request-schema.js';
import type { BedrockReply, ReplyBlock } from './generate-bedrock-reply.js';
import { type EventStreamPlan, encodePaddedEvent } from './write-event-stream.js';

export interface ConverseUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** Everything a Converse answer carries besides the generated blocks. */
export interface ConverseOutcome {
  reply: BedrockReply;
  usage: ConverseUsage;
  latencyMs: number;
  trace: Record<string, unknown> | undefined;
  additionalModelResponseFields: Record<string, unknown> | undefined;
}

/**
 * Converse usage: `inputTokens` excludes what was read from or written to the cache, and
 * `totalTokens` adds everything up. Cache fields appear only when the request used cache points.
 */
export function buildConverseUsage(
  promptTokens: number,
  outputTokens: number,
  cache: CacheUsage | undefined,
): ConverseUsage {
  const read = cache?.readTokens ?? 0;
  const write = cache?.writeTokens ?? 0;
  const inputTokens = promptTokens - read - write;
  const usage: ConverseUsage = {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens + read + write,
  };
  if (cache !== undefined) {
    usage.cacheReadInputTokens = read;
    usage.cacheWriteInputTokens = write;
  }
  return usage;
}

/** `trace.guardrail` for a blocked input, when the guardrail config asks for a trace. */
export function buildGuardrailTrace(
  config: GuardrailConfigBody,
  marker: string,
  guardedCharacters: number,
): Record<string, unknown> | undefined {
  if (config.trace === undefined || config.trace === 'disabled') return undefined;
  return {
    guardrail: {
      modelOutput: [],
      actionReason: 'Guardrail blocked.',
      inputAssessment: {
        [config.guardrailIdentifier]: {
          wordPolicy: {
            customWords: [{ match: marker, action: 'BLOCKED', detected: true }],
            managedWordLists: [],
          },
          invocationMetrics: {
            guardrailProcessingLatency: 50,
            usage: {
              topicPolicyUnits: 0,
              contentPolicyUnits: 0,
              wordPolicyUnits: Math.max(1, Math.ceil(guardedCharacters / 1000)),
              sensitiveInformationPolicyUnits: 0,
              sensitiveInformationPolicyFreeUnits: 0,
              contextualGroundingPolicyUnits: 0,
            },
            guardrailCoverage: { textCharacters: { guarded: guardedCharacters, total: guardedCharacters } },
          },
        },
      },
    },
  };
}

function blockJson(block: ReplyBlock): Record<string, unknown> {
  if (block.type === 'text') return { text: block.text };
  return { toolUse: { toolUseId: `tooluse_${block.idSuffix}`, name: block.name, input: block.input } };
}

/** The Converse 200 body. */
export function buildConverseBody(outcome: ConverseOutcome): Record<string, unknown> {
  return {
    output: { message: { role: 'assistant', content: outcome.reply.blocks.map(blockJson) } },
    stopReason: outcome.reply.stopReason,
    usage: outcome.usage,
    metrics: { latencyMs: outcome.latencyMs },
    ...(outcome.additionalModelResponseFields
      ? { additionalModelResponseFields: outcome.additionalModelResponseFields }
      : {}),
    ...(outcome.trace ? { trace: outcome.trace } : {}),
  };
}

function blockFrames(block: ReplyBlock, index: number): Uint8Array[] {
  const frames: Uint8Array[] = [];
  if (block.type === 'toolUse') {
    frames.push(
      encodePaddedEvent('contentBlockStart', {
        contentBlockIndex: index,
        start: { toolUse: { toolUseId: `tooluse_${block.idSuffix}`, name: block.name } },
      }),
    );
  }
  for (const piece of block.pieces) {
    const delta = block.type === 'text' ? { text: piece } : { toolUse: { input: piece } };
    frames.push(encodePaddedEvent('contentBlockDelta', { contentBlockIndex: index, delta }));
  }
  frames.push(encodePaddedEvent('contentBlockStop', { contentBlockIndex: index }));
  return frames;
}

/**
 * ConverseStream's events in the service's order: `messageStart`, per block (a `contentBlockStart`
 * only for toolUse) its deltas and `contentBlockStop`, `messageStop`, then `metadata` with usage,
 * metrics and any trace. The deltas concatenate to exactly the Converse content.
 */
export function buildConverseStreamPlan(outcome: ConverseOutcome): EventStreamPlan {
  const frames: Uint8Array[] = [encodePaddedEvent('messageStart', { role: 'assistant' })];
  const contentStart = frames.length;
  outcome.reply.blocks.forEach((block, index) => {
    frames.push(...blockFrames(block, index));
  });
  const contentEnd = frames.length;
  frames.push(
    encodePaddedEvent('messageStop', {
      stopReason: outcome.reply.stopReason,
      ...(outcome.additionalModelResponseFields
        ? { additionalModelResponseFields: outcome.additionalModelResponseFields }
        : {}),
    }),
    encodePaddedEvent('metadata', {
      usage: outcome.usage,
      metrics: { latencyMs: outcome.latencyMs },
      ...(outcome.trace ? { trace: outcome.trace } : {}),
    }),
  );
  return { frames, contentStart, contentEnd };
}
