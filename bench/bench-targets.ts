import type { TargetId } from './bench-options.js';
import type { BenchStack } from './bench-stack.js';

export type Upstream = 'fast' | 'slow';

/** The sandbox's default OpenAI key (a local emulator's key, not a secret). */
export const SANDBOX_KEY = 'sk-sandbox';
/** The virtual key declared in bench/converge.bench.yaml. */
export const CONVERGE_KEY = 'sk-bench-converge-virtual-key-0001';

/** One system under test: where to send, with which headers, and which process to measure. */
export interface BenchTarget {
  id: TargetId;
  label: string;
  origin(upstream: Upstream): string;
  headers(upstream: Upstream): Record<string, string>;
  /** The process whose CPU and memory count for this target (for `direct`, the sandbox itself). */
  pid(upstream: Upstream): number;
}

export const TARGET_LABELS: Record<TargetId, string> = {
  direct: 'direct (no gateway)',
  floor: 'floor proxy',
  converge: 'Converge',
  'converge-off': 'Converge, governance off',
  portkey: 'Portkey 1.15.2',
};

const JSON_HEADERS = { 'content-type': 'application/json' };

function pidOf(stack: BenchStack, name: string): number {
  const proc = stack.processes.get(name);
  if (proc === undefined) throw new Error(`process ${name} is not running`);
  return proc.pid;
}

function loopback(stack: BenchStack, name: string): string {
  return `http://127.0.0.1:${stack.ports[name]}`;
}

function sandboxName(upstream: Upstream): string {
  return upstream === 'fast' ? 'sandbox-fast' : 'sandbox-slow';
}

/**
 * Builds the targets of this run. Direct and the floor use the sandbox key as is; Converge its own
 * virtual key (governance on); Portkey is told the provider and the upstream by its headers.
 */
export function createTargets(stack: BenchStack, ids: readonly TargetId[]): BenchTarget[] {
  const sandboxAuth = { ...JSON_HEADERS, authorization: `Bearer ${SANDBOX_KEY}` };
  const all: Record<TargetId, BenchTarget> = {
    direct: {
      id: 'direct',
      label: TARGET_LABELS.direct,
      origin: (upstream) => loopback(stack, sandboxName(upstream)),
      headers: () => sandboxAuth,
      pid: (upstream) => pidOf(stack, sandboxName(upstream)),
    },
    floor: {
      id: 'floor',
      label: TARGET_LABELS.floor,
      origin: (upstream) => loopback(stack, upstream === 'fast' ? 'floor' : 'floor-slow'),
      headers: () => sandboxAuth,
      pid: () => pidOf(stack, 'floor'),
    },
    converge: {
      id: 'converge',
      label: TARGET_LABELS.converge,
      origin: () => loopback(stack, 'converge'),
      headers: () => ({ ...JSON_HEADERS, authorization: `Bearer ${CONVERGE_KEY}` }),
      pid: () => pidOf(stack, 'converge'),
    },
    'converge-off': {
      id: 'converge-off',
      label: TARGET_LABELS['converge-off'],
      origin: () => loopback(stack, 'converge-off'),
      // Governance off: no key is checked; the header is sent anyway so both carry the same bytes.
      headers: () => ({ ...JSON_HEADERS, authorization: `Bearer ${CONVERGE_KEY}` }),
      pid: () => pidOf(stack, 'converge-off'),
    },
    portkey: {
      id: 'portkey',
      label: TARGET_LABELS.portkey,
      origin: () => loopback(stack, 'portkey'),
      headers: (upstream) => ({
        ...sandboxAuth,
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${loopback(stack, sandboxName(upstream))}/v1`,
      }),
      pid: () => pidOf(stack, 'portkey'),
    },
  };
  return ids.map((id) => all[id]);
}

/** A JSON schema whose answer is always longer than 100 tokens, so `max_tokens` fixes the stream length. */
const LONG_ANSWER_FORMAT = {
  type: 'json_schema',
  json_schema: {
    name: 'words',
    schema: {
      type: 'object',
      properties: { words: { type: 'array', items: { type: 'string' }, minItems: 200, maxItems: 200 } },
      required: ['words'],
    },
  },
};

/** The request bodies of the scenarios (identical for every target). */
export const BENCH_BODIES = {
  /** Non-streamed chat completion, small prompt (~11 prompt tokens, ~53 completion tokens). */
  chat: JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say hello to the benchmark' }],
  }),
  /** 100-token stream (100 content chunks + role, finish and [DONE] events). */
  stream: JSON.stringify({
    model: 'gpt-4o-mini',
    stream: true,
    max_tokens: 100,
    messages: [{ role: 'user', content: 'List words' }],
    response_format: LONG_ANSWER_FORMAT,
  }),
  /** The small chat request against the 1.5 s upstream. */
  slow: JSON.stringify({
    model: 'bench-slow',
    messages: [{ role: 'user', content: 'Say hello to the benchmark' }],
  }),
  /** 100-token stream paced by the upstream over ~0.55 s. */
  paced: JSON.stringify({
    model: 'bench-paced',
    stream: true,
    max_tokens: 100,
    messages: [{ role: 'user', content: 'List words' }],
    response_format: LONG_ANSWER_FORMAT,
  }),
  /** A stream held open for maxTokens / 5 seconds. */
  hold: (maxTokens: number) =>
    JSON.stringify({
      model: 'bench-hold',
      stream: true,
      max_tokens: maxTokens,
      messages: [{ role: 'user', content: 'List words' }],
      response_format: LONG_ANSWER_FORMAT,
    }),
} as const;
