/**
 * What "governance on" means in this run. The DESIGN §9 headline is measured with virtual-key auth, a
 * rate limit and usage accounting all on; the pieces Converge does not have yet are named here, so the
 * results and docs/performance.md say exactly what was measured.
 */

/**
 * Issue #6 (rate limits) has not landed. When it does: set this to true and fill in
 * `addBenchRateLimit` with the key's limit (high enough never to reject, so its cost is measured but
 * not its refusals).
 */
export const RATE_LIMIT_AVAILABLE = false;

/**
 * Converge has no switch to turn governance off (no auth, no accounting). Proposed: a config flag
 * `governance: { enabled: false }`, allowed only on a loopback bind. Until it exists the harness
 * reports governance "on" only.
 */
export const GOVERNANCE_OFF_AVAILABLE = false;

export interface GovernanceDescription {
  mode: 'on';
  measured: string[];
  pending: string[];
  off: string;
}

export function describeGovernance(): GovernanceDescription {
  return {
    mode: 'on',
    measured: [
      'virtual-key auth',
      'usage accounting (SQLite)',
      ...(RATE_LIMIT_AVAILABLE ? ['rate limit'] : []),
    ],
    pending: RATE_LIMIT_AVAILABLE ? [] : ['rate limit (issue #6)'],
    off: GOVERNANCE_OFF_AVAILABLE
      ? 'measured'
      : 'not measured: Converge has no switch to turn governance off yet',
  };
}

type ConfigDocument = Record<string, unknown>;

/** The rate-limit hook: adds a generous per-key limit once issue #6 defines its config. */
export function addBenchRateLimit(config: ConfigDocument): ConfigDocument {
  if (!RATE_LIMIT_AVAILABLE) return config;
  // Issue #6: e.g. keys[0].limits = { rpm: 100_000_000 } — set when the schema exists.
  return config;
}

/**
 * Applies the governance settings of this run to the parsed bench config (bench/converge.bench.yaml).
 * @example applyBenchGovernance(parseYaml(text)) // unchanged today: auth + accounting are in the YAML
 */
export function applyBenchGovernance(config: ConfigDocument): ConfigDocument {
  return addBenchRateLimit(config);
}
