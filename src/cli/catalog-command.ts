import type { CatalogModel, CatalogProviderType, Price } from '../catalog/catalog-schema.js';
import { CATALOG_PROVIDER_TYPES } from '../catalog/catalog-schema.js';
import { CatalogError, loadCatalog } from '../catalog/load-catalog.js';
import { isCatalogProviderType } from '../catalog/model-catalog.js';
import { CliError, formatTable, parseCommandArgs } from './cli-support.js';

const HELP = `Usage: converge catalog [--provider <type>] [--json]

Lists the model catalog the gateway prices requests with (data/catalog/*.yaml): every model per
provider type, its upstream ids, list prices in USD per 1M tokens, context window and lifecycle.

Prices are the standard (regional / geographic endpoint) list price; "g" marks the global-endpoint
price where it differs (Bedrock global. profiles, Vertex global). CACHED is the cache-read price;
cache writes, long-context tiers, batch discounts and sources are in --json and the YAML files.
Deployments can override prices (discount, explicit prices, provisioned capacity): see
docs/catalog.md.

Options:
  --provider <type>   Only one provider type: ${CATALOG_PROVIDER_TYPES.join(', ')}
  --json              Machine-readable output (every field of every entry)
  --dir <path>        Read another catalog directory (default: the bundled one)
  -h, --help          Show this help
`;

function formatRate(value: number | undefined): string {
  if (value === undefined) return '-';
  // Exact decimal, at least two places: 3 → 3.00, 0.00875 → 0.00875.
  const [whole, fraction = ''] = value.toFixed(6).split('.');
  return `${whole}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}

function priceCell(model: CatalogModel, pick: (price: Price) => number | undefined): string {
  const standard = model.price === undefined ? undefined : pick(model.price);
  const global = model.globalPrice === undefined ? undefined : pick(model.globalPrice);
  const cell = formatRate(standard);
  return global === undefined || global === standard ? cell : `${cell} (g ${formatRate(global)})`;
}

function lifecycleCell(model: CatalogModel): string {
  const { status, retires, replacement } = model.lifecycle;
  const date = retires === undefined ? '' : status === 'retired' ? ` ${retires}` : `, retires ${retires}`;
  return `${status}${date}${replacement === undefined ? '' : ` → ${replacement}`}`;
}

function contextCell(model: CatalogModel): string {
  if (model.contextWindow === undefined) return '-';
  const window = model.contextWindow;
  return window >= 1_000_000 && window % 1_000_000 === 0
    ? `${window / 1_000_000}M`
    : window % 1000 === 0
      ? `${window / 1000}K`
      : window.toLocaleString('en-US');
}

function describe(providerType: CatalogProviderType, model: CatalogModel): string[] {
  return [
    model.id,
    providerType,
    model.upstreamIds.join(', '),
    priceCell(model, (price) => price.input),
    priceCell(model, (price) => price.output),
    priceCell(model, (price) => price.cacheRead),
    contextCell(model),
    lifecycleCell(model),
  ];
}

/**
 * `converge catalog`: the model catalog as a table (or JSON).
 *
 * @example
 * await runCatalogCommand(['--provider', 'bedrock']);
 */
export async function runCatalogCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('catalog', args, {
    provider: { type: 'string' },
    json: { type: 'boolean' },
    dir: { type: 'string' },
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new CliError(`catalog: unexpected argument '${positionals[0]}'`);
  const provider = values.provider;
  if (provider !== undefined && !isCatalogProviderType(provider))
    throw new CliError(
      `catalog: unknown provider type '${provider}' (one of ${CATALOG_PROVIDER_TYPES.join(', ')})`,
    );
  let catalog: ReturnType<typeof loadCatalog>;
  try {
    catalog = loadCatalog(values.dir);
  } catch (error: unknown) {
    if (error instanceof CatalogError) throw new CliError(error.message, 1);
    throw error;
  }
  const types = provider === undefined ? catalog.providerTypes() : [provider];
  const entries = types.flatMap((type) => catalog.models(type).map((model) => ({ type, model })));
  if (values.json === true) {
    process.stdout.write(
      `${JSON.stringify(entries.map(({ type, model }) => ({ provider: type, ...model })))}\n`,
    );
    return 0;
  }
  const headers = [
    'MODEL',
    'PROVIDER',
    'UPSTREAM IDS',
    'INPUT $/1M',
    'OUTPUT $/1M',
    'CACHED $/1M',
    'CONTEXT',
    'LIFECYCLE',
  ];
  process.stdout.write(
    formatTable(
      headers,
      entries.map(({ type, model }) => describe(type, model)),
    ),
  );
  return 0;
}
