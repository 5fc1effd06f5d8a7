import type {
  Capability,
  DeploymentConfig,
  ModelConfig,
  RoutingConfig,
  StaticKeyConfig,
} from '../../config/schema.js';
import type { Provider } from '../../providers/provider.js';
import { type Geography, geographyOf } from '../../routing/geography.js';
import { RoutingState, type RoutingStateOptions } from '../../routing/routing-state.js';

export type RoutingStrategy = ModelConfig['strategy'];

/** USD per 1M tokens. */
export interface TargetPrice {
  input: number;
  output: number;
  cachedInput?: number | undefined;
}

/** One concrete way to run a model: a deployment on a provider account. */
export interface Target {
  deployment: string;
  provider: Provider;
  /** Upstream model id or Azure deployment name. */
  modelId: string;
  processing: string;
  /** The geography `processing` belongs to (`eu`, `us`, `global` …), for residency rules. */
  geography: Geography;
  partition?: string | undefined;
  /** The cloud behind the provider (`azure`, `aws`, `google`, `openai` …), for `priority` ordering. */
  cloud: string;
  /** Per-minute capacity when provisioned; undefined for on-demand. */
  provisioned?: { tpm?: number | undefined; rpm?: number | undefined } | undefined;
  weight: number;
  contextWindow?: number | undefined;
  maxOutputTokens?: number | undefined;
  /** Undefined = everything is supported. */
  capabilities?: ReadonlySet<Capability> | undefined;
  price?: TargetPrice | undefined;
  /** How prompt tokens are counted for this target: OpenAI's o200k tokenizer, or an estimate. */
  tokenizer: 'o200k' | 'estimate';
}

/** A public model name (or alias) and its candidate targets in configured order. */
export interface ModelEntry {
  name: string;
  kind: 'chat' | 'embedding';
  aliases: readonly string[];
  targets: readonly Target[];
  /** How candidates are ordered; `priority` when absent. */
  strategy?: RoutingStrategy;
  /** Residency of the model itself: only these geographies or regions; absent = any. */
  processing?: readonly string[] | undefined;
}

const CLOUDS: Readonly<Record<string, string>> = {
  'azure-openai': 'azure',
  bedrock: 'aws',
  vertex: 'google',
  gemini: 'google',
  openai: 'openai',
  anthropic: 'anthropic',
  'openai-compatible': 'self-hosted',
};

const OPENAI_MODEL = /^(gpt-|o\d|chatgpt-|text-embedding-|codex-)/;

function tokenizerFor(provider: Provider, modelId: string): Target['tokenizer'] {
  return provider.type === 'openai' || provider.type === 'azure-openai' || OPENAI_MODEL.test(modelId)
    ? 'o200k'
    : 'estimate';
}

function buildTarget(name: string, deployment: RegistryDeployment, provider: Provider): Target {
  const capacity = deployment.capacity;
  return {
    deployment: name,
    provider,
    modelId: deployment.model,
    processing: deployment.processing,
    geography: geographyOf(deployment.processing, deployment.partition),
    partition: deployment.partition,
    cloud: CLOUDS[provider.type] ?? provider.type,
    provisioned: capacity === 'on-demand' ? undefined : capacity.provisioned,
    weight: deployment.weight ?? 1,
    contextWindow: deployment.contextWindow,
    maxOutputTokens: deployment.maxOutputTokens,
    capabilities: deployment.capabilities === undefined ? undefined : new Set(deployment.capabilities),
    price: deployment.price,
    tokenizer: tokenizerFor(provider, deployment.model),
  };
}

/** A deployment as the registry reads it: routing fields with defaults may be absent. */
type RegistryDeployment = Omit<DeploymentConfig, 'weight'> & { weight?: number };
type RegistryModel = Omit<ModelConfig, 'strategy'> & { strategy?: RoutingStrategy };

/** What the registry reads from the config; a full `Config` fits. */
export interface RegistryConfig {
  models: Readonly<Record<string, RegistryModel>>;
  deployments: Readonly<Record<string, RegistryDeployment>>;
  routing?: RoutingConfig;
  keys?: readonly StaticKeyConfig[];
}

/**
 * Resolves public model names and aliases to their targets, and holds the live routing state
 * (breakers, capacity, latency) of those targets. Built once from the validated config; lookups are
 * a Map hit.
 */
export class ModelRegistry {
  private readonly byName = new Map<string, ModelEntry>();
  readonly entries: readonly ModelEntry[];
  readonly routing: RoutingState;
  /** Every deployment used by some model, in config order. */
  readonly deployments: readonly string[];

  constructor(
    config: RegistryConfig,
    providers: ReadonlyMap<string, Provider>,
    options: RoutingStateOptions = {},
  ) {
    const entries: ModelEntry[] = [];
    const targets = new Map<string, Target>();
    for (const [name, model] of Object.entries(config.models)) {
      const modelTargets = model.deployments.map((deploymentName) => {
        const cached = targets.get(deploymentName);
        if (cached !== undefined) return cached;
        const deployment = config.deployments[deploymentName];
        if (deployment === undefined) {
          throw new Error(`models.${name}.deployments: unknown deployment "${deploymentName}"`);
        }
        const provider = providers.get(deployment.provider);
        if (provider === undefined) {
          throw new Error(
            `deployments.${deploymentName}.provider: unknown provider "${deployment.provider}"`,
          );
        }
        const target = buildTarget(deploymentName, deployment, provider);
        targets.set(deploymentName, target);
        return target;
      });
      const entry: ModelEntry = {
        name,
        kind: model.kind,
        aliases: model.aliases,
        targets: modelTargets,
        strategy: model.strategy ?? 'priority',
        processing: model.processing,
      };
      entries.push(entry);
      for (const key of [name, ...model.aliases]) {
        if (this.byName.has(key)) throw new Error(`models.${name}: the name or alias "${key}" is used twice`);
        this.byName.set(key, entry);
      }
    }
    this.entries = entries;
    this.deployments = [...targets.keys()];
    this.routing = new RoutingState(config.routing, options);
  }

  resolve(name: string): ModelEntry | undefined {
    return this.byName.get(name);
  }

  /** Every public name and alias, for "did you mean" suggestions. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}
