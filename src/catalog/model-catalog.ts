import {
  CATALOG_PROVIDER_TYPES,
  type CatalogFile,
  type CatalogModel,
  type CatalogProviderType,
} from './catalog-schema.js';
import { normalizeModelId, type PriceScope } from './normalize-model-id.js';

/** A catalog entry found for an upstream id, and the price scope the id implies. */
export interface CatalogMatch {
  providerType: CatalogProviderType;
  model: CatalogModel;
  scope: PriceScope | undefined;
}

/** True for the provider types the catalog has a file for. */
export function isCatalogProviderType(type: string): type is CatalogProviderType {
  return (CATALOG_PROVIDER_TYPES as readonly string[]).includes(type);
}

/**
 * The validated catalog, indexed for lookups by provider type + upstream model id (a Map hit after
 * normalisation) and by provider type + catalog id.
 *
 * @example
 * const catalog = loadCatalog();
 * catalog.find('bedrock', 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0')?.model.id // 'claude-3-7-sonnet'
 */
export class ModelCatalog {
  private readonly byUpstreamId = new Map<string, CatalogModel>();
  private readonly byCatalogId = new Map<string, CatalogModel>();
  private readonly byProvider = new Map<CatalogProviderType, CatalogModel[]>();

  constructor(files: readonly CatalogFile[]) {
    for (const file of files) {
      if (this.byProvider.has(file.provider))
        throw new Error(`two catalog files for provider "${file.provider}"`);
      this.byProvider.set(file.provider, file.models);
      for (const model of file.models) {
        this.byCatalogId.set(`${file.provider}\n${model.id}`, model);
        for (const upstreamId of model.upstreamIds) {
          this.byUpstreamId.set(`${file.provider}\n${upstreamId.toLowerCase()}`, model);
        }
      }
    }
  }

  /** Every provider type with a file, in the order the files were loaded. */
  providerTypes(): CatalogProviderType[] {
    return [...this.byProvider.keys()];
  }

  /** The entries of one provider type (empty when it has no file). */
  models(providerType: CatalogProviderType): readonly CatalogModel[] {
    return this.byProvider.get(providerType) ?? [];
  }

  /** The entry with this catalog id. */
  byId(providerType: CatalogProviderType, id: string): CatalogModel | undefined {
    return this.byCatalogId.get(`${providerType}\n${id}`);
  }

  /** The entry an upstream model id (ARN, profile id, resource path, dated snapshot …) refers to. */
  find(providerType: CatalogProviderType, upstreamId: string): CatalogMatch | undefined {
    const normalized = normalizeModelId(providerType, upstreamId);
    if (normalized.id === undefined) return undefined;
    const model = this.byUpstreamId.get(`${providerType}\n${normalized.id}`);
    return model === undefined ? undefined : { providerType, model, scope: normalized.scope };
  }
}
