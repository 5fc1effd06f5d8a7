import { createPrng, type Prng } from './prng.js';

export type Fault =
  | { kind: '500' }
  | { kind: '503' }
  | { kind: '429' }
  | { kind: 'timeout' }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  | { kind: 'cut-stream-after'; chunks: number };

/** Faults that can be injected by rate (the others only make sense on request). */
export type RatedFaultKind = '500' | '503' | '429' | 'timeout' | 'reset';
export type FaultRates = Partial<Record<RatedFaultKind, number>>;

export const FAULT_HEADER = 'x-sandbox-fault';
const RATED_ORDER: readonly RatedFaultKind[] = ['500', '503', '429', 'timeout', 'reset'];

/**
 * Parses the `x-sandbox-fault` header. Unknown values are ignored rather than rejected: the real
 * service would not know the header either, and a typo should not look like an emulated failure.
 * @example parseFaultHeader('cut-stream-after:3') // { kind: 'cut-stream-after', chunks: 3 }
 */
export function parseFaultHeader(value: string | undefined): Fault | undefined {
  if (!value) return undefined;
  const trimmed = value.trim().toLowerCase();
  switch (trimmed) {
    case '500':
    case '503':
    case '429':
    case 'timeout':
    case 'reset':
    case 'malformed':
      return { kind: trimmed };
  }
  const match = /^cut-stream-after:(\d+)$/.exec(trimmed);
  return match ? { kind: 'cut-stream-after', chunks: Number(match[1]) } : undefined;
}

/**
 * Chooses faults for requests that did not ask for one, at configured rates, from a seeded PRNG so a
 * run with the same seed and request order sees the same faults.
 */
export class FaultInjector {
  private readonly prng: Prng;
  private readonly active: boolean;

  constructor(
    private readonly rates: FaultRates,
    seed: number,
  ) {
    this.prng = createPrng(seed);
    this.active = RATED_ORDER.some((kind) => (rates[kind] ?? 0) > 0);
  }

  /** The fault for this request: the header wins, otherwise a draw against the configured rates. */
  choose(headerValue: string | undefined): Fault | undefined {
    const requested = parseFaultHeader(headerValue);
    if (requested || !this.active) return requested;
    let roll = this.prng.next();
    for (const kind of RATED_ORDER) {
      roll -= this.rates[kind] ?? 0;
      if (roll < 0) return { kind };
    }
    return undefined;
  }
}
