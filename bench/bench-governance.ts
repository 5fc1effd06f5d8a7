/**
 * What "governance on" means in this run. The DESIGN §9 headline is measured with virtual-key auth, a
 * rate limit and usage accounting all on (`converge`); the same Converge with
 * `governance: { enabled: false }` (`converge-off`) shows what they cost.
 */

/** The bench key's RPM: high enough never to refuse, so its cost is measured but not its refusals. */
export const BENCH_RPM = 100_000_000;

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
      `a rate limit (${BENCH_RPM.toLocaleString('en-US')} RPM, in memory)`,
      'usage accounting (SQLite)',
    ],
    pending: [],
    off: 'measured: the `converge-off` target is the same build with governance.enabled false',
  };
}

type ConfigDocument = Record<string, unknown>;

/**
 * Applies the run's governance to the parsed bench config (bench/converge.bench.yaml): `on` gives the
 * bench key its rate limit; `off` turns governance off (and uses its own data directory).
 *
 * @example applyBenchGovernance(parseYaml(text), 'on').keys // [{ name: 'bench', …, limits: { rpm: 100000000 } }]
 */
export function applyBenchGovernance(config: ConfigDocument, governance: 'on' | 'off'): ConfigDocument {
  if (governance === 'off') {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a config ${ENV} reference, resolved by Converge
    const storage = { ...(config['storage'] as ConfigDocument), dataDir: '${BENCH_DATA_DIR}-off' };
    return { ...config, storage, keys: [], governance: { enabled: false } };
  }
  const keys = (config['keys'] as ConfigDocument[]).map((key) => ({ ...key, limits: { rpm: BENCH_RPM } }));
  return { ...config, keys };
}
