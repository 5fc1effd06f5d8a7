/**
 * Where data is processed, at the granularity residency rules are written in: `eu`, `us`, `uk`,
 * `ch`, `apac`, … or `global` (a provider may process anywhere). An unknown region maps to itself,
 * so it only matches a rule that names it.
 */
export type Geography = string;

/** Azure regions by geography (names as in ARM, lower case without spaces). */
const AZURE_REGIONS: Readonly<Record<string, Geography>> = {
  swedencentral: 'eu',
  swedensouth: 'eu',
  westeurope: 'eu',
  northeurope: 'eu',
  francecentral: 'eu',
  francesouth: 'eu',
  germanywestcentral: 'eu',
  germanynorth: 'eu',
  italynorth: 'eu',
  polandcentral: 'eu',
  spaincentral: 'eu',
  austriaeast: 'eu',
  belgiumcentral: 'eu',
  denmarkeast: 'eu',
  finlandcentral: 'eu',
  greececentral: 'eu',
  // Switzerland, Norway and the UK are in Europe but not in the EU: they are their own geographies.
  switzerlandnorth: 'ch',
  switzerlandwest: 'ch',
  norwayeast: 'no',
  norwaywest: 'no',
  uksouth: 'uk',
  ukwest: 'uk',
  eastus: 'us',
  eastus2: 'us',
  westus: 'us',
  westus2: 'us',
  westus3: 'us',
  centralus: 'us',
  northcentralus: 'us',
  southcentralus: 'us',
  westcentralus: 'us',
  canadacentral: 'ca',
  canadaeast: 'ca',
  brazilsouth: 'sa',
  japaneast: 'apac',
  japanwest: 'apac',
  koreacentral: 'apac',
  australiaeast: 'apac',
  southeastasia: 'apac',
  eastasia: 'apac',
  southindia: 'apac',
  centralindia: 'apac',
  uaenorth: 'me',
  southafricanorth: 'af',
};

/** Regions whose prefix would mislead: AWS eu-central-2 is Zurich, Google europe-west2 is London. */
const EXCEPTIONS: Readonly<Record<string, Geography>> = {
  'eu-central-2': 'ch',
  'europe-west2': 'uk',
  'europe-west6': 'ch',
};

/** Prefixes of AWS (`eu-west-1`) and Google (`europe-west4`) regions, first match wins. */
const PREFIXES: ReadonlyArray<readonly [string, Geography]> = [
  ['eu-', 'eu'],
  ['europe-', 'eu'],
  ['us-gov-', 'us'],
  ['us-', 'us'],
  ['northamerica-', 'ca'],
  ['ca-', 'ca'],
  ['sa-', 'sa'],
  ['southamerica-', 'sa'],
  ['ap-', 'apac'],
  ['asia-', 'apac'],
  ['australia-', 'apac'],
  ['me-', 'me'],
  ['il-', 'me'],
  ['af-', 'af'],
  ['africa-', 'af'],
  ['cn-', 'cn'],
];

/** Sovereign partitions pin the geography whatever the region is called. */
const PARTITIONS: Readonly<Record<string, Geography>> = {
  'aws-eusc': 'eu',
  'aws-us-gov': 'us',
  'aws-cn': 'cn',
};

/**
 * The geography a deployment's `processing` value (and optional partition) belongs to.
 *
 * @example
 * geographyOf('swedencentral') // 'eu'
 * geographyOf('eu-central-2') // 'ch' (Zurich)
 * geographyOf('global') // 'global'
 */
export function geographyOf(processing: string, partition?: string): Geography {
  const pinned = partition === undefined ? undefined : PARTITIONS[partition];
  if (pinned !== undefined) return pinned;
  const region = processing.toLowerCase();
  const known = EXCEPTIONS[region] ?? AZURE_REGIONS[region];
  if (known !== undefined) return known;
  for (const [prefix, geography] of PREFIXES) if (region.startsWith(prefix)) return geography;
  return region;
}

/**
 * True when a deployment processing in `processing` (geography `geography`) satisfies a residency
 * rule: the rule lists its geography or names its exact region. `global` satisfies only a rule that
 * lists `global`, so an `eu` rule never reaches a deployment that may process anywhere.
 *
 * @example
 * satisfiesResidency(['eu'], 'swedencentral', 'eu') // true
 * satisfiesResidency(['eu'], 'global', 'global') // false
 */
export function satisfiesResidency(
  allowed: readonly string[],
  processing: string,
  geography: Geography,
): boolean {
  return allowed.includes(geography) || allowed.includes(processing);
}
