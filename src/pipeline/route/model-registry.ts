import type { Config } from '../../config/schema.js';
import type { Provider } from '../../providers/provider.js';

/** One concrete way to run a model: a deployment on a provider account. */
export interface Target {
  deployment: string;
  provider: Provider;
  /** Upstream model id or Azure deployment name. */
  modelId: string;
  processing: string;
}

/** A public model name (or alias) and its candidate targets in priority order. */
export interface ModelEntry {
  name: string;
  kind: 'chat' | 'embedding';
  aliases: readonly string[];
  targets: readonly Target[];
}

/**
 * Resolves public model names and aliases to their targets. Built once from the validated config;
 * lookups are a Map hit.
 */
export class ModelRegistry {
  private readonly byName = new Map<string, ModelEntry>();
  readonly entries: readonly ModelEntry[];

  constructor(config: Pick<Config, 'models' | 'deployments'>, providers: ReadonlyMap<string, Provider>) {
    const entries: ModelEntry[] = [];
    for (const [name, model] of Object.entries(config.models)) {
      const targets = model.deployments.map((deploymentName) => {
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
        return {
          deployment: deploymentName,
          provider,
          modelId: deployment.model,
          processing: deployment.processing,
        };
      });
      const entry: ModelEntry = { name, kind: model.kind, aliases: model.aliases, targets };
      entries.push(entry);
      for (const key of [name, ...model.aliases]) {
        if (this.byName.has(key)) throw new Error(`models.${name}: the name or alias "${key}" is used twice`);
        this.byName.set(key, entry);
      }
    }
    this.entries = entries;
  }

  resolve(name: string): ModelEntry | undefined {
    return this.byName.get(name);
  }

  /** Every public name and alias, for "did you mean" suggestions. */
  names(): string[] {
    return [...this.byName.keys()];
  }
}
