import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  ANNOTATION_OPENCOST_CLUSTERS,
  COST_BUCKETS,
  CostBreakdown,
  emptyCostBreakdown,
  RegionEntity,
} from '@meridian/plugin-regions-common';
import {
  ClusterCostDay,
  CostObservation,
  CostSource,
} from '@meridian/plugin-regions-node';
import { utcDay } from './days';

const DAY_MS = 86_400_000;
/** Cap on one OpenCost query, whatever the caller's signal allows. */
const QUERY_TIMEOUT_MS = 60_000;
/** How long one instance's answer serves the other regions that read the same days. */
const ANSWER_REUSE_MS = 60_000;
/** How much of an error body a message quotes. */
const MAX_QUOTED_BODY = 200;
/** The name of the instance configured by `regions.opencost.baseUrl`. */
const DEFAULT_INSTANCE = 'default';

/** One OpenCost server and the clusters it answers for. */
interface OpenCostInstance {
  name: string;
  /** Without credentials, the only form any message shows. */
  shownUrl: string;
  endpoint: string;
  authorization?: string;
  /** Undefined: the instance for every cluster no other instance lists. */
  clusters?: string[];
}

/** An allocation as OpenCost's `/allocation` answers it; any number may be null (NaN). */
type Allocation = Record<string, unknown> & {
  name?: string;
  properties?: { cluster?: string };
  window?: { start?: string; end?: string };
  start?: string;
  minutes?: number | null;
};

/** The sets of one instance's answer, one per day from `from`. */
type AllocationSets = Array<Record<string, Allocation>>;

/** OpenCost's field (with its `*Adjustment`) for each bucket but idle. */
const BUCKET_FIELDS: Record<
  Exclude<(typeof COST_BUCKETS)[number], 'idle'>,
  string[]
> = {
  cpu: ['cpuCost', 'cpuCostAdjustment'],
  gpu: ['gpuCost', 'gpuCostAdjustment'],
  ram: ['ramCost', 'ramCostAdjustment'],
  storage: ['pvCost', 'pvCostAdjustment'],
  network: ['networkCost', 'networkCostAdjustment'],
  loadBalancer: ['loadBalancerCost', 'loadBalancerCostAdjustment'],
  shared: ['sharedCost'],
  external: ['externalCost'],
};

// OpenCost rounds each field to 5 decimals; 14 rounded fields stay well inside this.
const SUM_TOLERANCE = 1e-3;

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = (cause as { code?: string } | undefined)?.code;
    if (cause instanceof Error) {
      return code ? `${code} (${cause.message})` : cause.message;
    }
    return error.message;
  }
  return String(error);
}

/**
 * Reads region costs from OpenCost's `/allocation` API: for each of a
 * region's clusters (its `meridian.dev/opencost-clusters` annotation, or its
 * name), the instance that serves the cluster is asked for
 * `aggregate=cluster&step=1d&includeIdle=true` over RFC3339 day bounds.
 *
 * Each `*CostAdjustment` is folded into its bucket so that the breakdown adds
 * up to `totalCost`. OpenCost merges the idle cost of every cluster it serves
 * into one `__idle__` entry, which is shared out among those clusters in
 * proportion to their CPU, GPU and RAM cost: exact for the region when an
 * instance serves only that region's clusters (one OpenCost per cluster, the
 * usual install), an estimate otherwise.
 *
 * @public
 */
export class OpenCostCostSource implements CostSource {
  readonly id = 'opencost';

  /**
   * Reads `regions.opencost`: `baseUrl` for one instance and/or `instances`
   * for several; `undefined` when neither is configured.
   */
  static fromConfig(
    config: Config,
    options: { logger: LoggerService },
  ): OpenCostCostSource | undefined {
    const opencost = config.getOptionalConfig('regions.opencost');
    if (!opencost) {
      return undefined;
    }
    const instances: OpenCostInstance[] = [];
    const baseUrl = opencost.getOptionalString('baseUrl');
    if (baseUrl) {
      instances.push(
        toInstance(DEFAULT_INSTANCE, baseUrl, 'regions.opencost.baseUrl'),
      );
    }
    const configured = opencost.getOptionalConfig('instances');
    for (const name of configured?.keys() ?? []) {
      const key = `regions.opencost.instances.${name}`;
      const instance = configured!.getConfig(name);
      instances.push({
        ...toInstance(name, instance.getString('baseUrl'), `${key}.baseUrl`),
        clusters: instance.getOptionalStringArray('clusters'),
      });
    }
    if (instances.length === 0) {
      return undefined;
    }
    const catchAll = instances.filter(i => i.clusters === undefined);
    if (catchAll.length > 1) {
      throw new Error(
        `regions.opencost: the instances ${catchAll
          .map(i => `'${i.name}'`)
          .join(
            ' and ',
          )} both list no clusters; at most one instance may serve every cluster no other instance lists`,
      );
    }
    return new OpenCostCostSource(instances, options.logger);
  }

  /** Answers per instance and day span, shared by regions read in the same run. */
  private readonly answers = new Map<
    string,
    { at: number; sets: Promise<AllocationSets> }
  >();

  private constructor(
    private readonly instances: OpenCostInstance[],
    private readonly logger: LoggerService,
  ) {}

  observes(_region: RegionEntity): boolean {
    return true;
  }

  /** The OpenCost clusters that make up the region. */
  clustersOf(region: RegionEntity): string[] {
    const annotated = region.metadata.annotations?.[
      ANNOTATION_OPENCOST_CLUSTERS
    ]?.split(',')
      .map(cluster => cluster.trim())
      .filter(Boolean);
    return annotated?.length ? annotated : [region.metadata.name];
  }

  async read(
    region: RegionEntity,
    options: { from: Date; to: Date; signal: AbortSignal },
  ): Promise<CostObservation> {
    const clusters = this.clustersOf(region);
    const byInstance = new Map<OpenCostInstance, string[]>();
    for (const cluster of clusters) {
      const instance = this.instanceOf(cluster, region);
      byInstance.set(instance, [...(byInstance.get(instance) ?? []), cluster]);
    }
    const results = await Promise.all(
      [...byInstance].map(async ([instance, wanted]) =>
        this.readInstance(instance, wanted, options),
      ),
    );
    return {
      clusters,
      days: results.flatMap(r => r.days),
      idleEstimated: results.some(r => r.idleEstimated),
    };
  }

  private instanceOf(cluster: string, region: RegionEntity): OpenCostInstance {
    const listing = this.instances.find(i => i.clusters?.includes(cluster));
    const found = listing ?? this.instances.find(i => i.clusters === undefined);
    if (!found) {
      throw new Error(
        `cluster '${cluster}' of region ${
          region.metadata.name
        } is listed under no regions.opencost.instances.*.clusters (instances: ${this.instances
          .map(i => i.name)
          .join(', ')})`,
      );
    }
    return found;
  }

  private async readInstance(
    instance: OpenCostInstance,
    wanted: string[],
    options: { from: Date; to: Date; signal: AbortSignal },
  ): Promise<{ days: ClusterCostDay[]; idleEstimated: boolean }> {
    const where = `OpenCost '${instance.name}' at ${instance.shownUrl}`;
    let sets: AllocationSets;
    try {
      sets = await this.query(instance, options);
    } catch (error) {
      const reason = options.signal.aborted
        ? 'the read was aborted'
        : reasonOf(error);
      throw new Error(`${where}: ${reason}`);
    }

    const days: ClusterCostDay[] = [];
    let idleEstimated = false;
    sets.forEach((set, index) => {
      const fallbackDay = utcDay(
        new Date(options.from.getTime() + index * DAY_MS),
      );
      const clusterDays: ClusterCostDay[] = [];
      let idle = 0;
      for (const [name, allocation] of Object.entries(set)) {
        if (name === '__idle__') {
          idle += costField(allocation, 'totalCost', where, name);
          continue;
        }
        clusterDays.push(
          toClusterDay(allocation, name, dayOf(allocation, fallbackDay), where),
        );
      }
      shareIdle(clusterDays, idle, wanted, fallbackDay);
      for (const day of clusterDays) {
        if (wanted.includes(day.cluster)) {
          days.push(day);
        } else if (idle > 0) {
          idleEstimated = true;
        }
      }
    });

    const missing = wanted.filter(c => !days.some(d => d.cluster === c));
    if (missing.length > 0) {
      const known = [
        ...new Set(
          sets.flatMap(set => Object.keys(set)).filter(n => n !== '__idle__'),
        ),
      ];
      throw new Error(
        `${where} has no cost for cluster ${missing
          .map(c => `'${c}'`)
          .join(', ')} from ${utcDay(options.from)} to ${utcDay(
          new Date(options.to.getTime() - DAY_MS),
        )} (it knows ${
          known.length ? known.map(c => `'${c}'`).join(', ') : 'no cluster'
        }); set the region's ${ANNOTATION_OPENCOST_CLUSTERS} annotation to its cluster names`,
      );
    }
    return { days, idleEstimated };
  }

  /** One query per instance and span, reused for a minute by other regions. */
  private query(
    instance: OpenCostInstance,
    options: { from: Date; to: Date; signal: AbortSignal },
  ): Promise<AllocationSets> {
    const now = Date.now();
    for (const [key, answer] of this.answers) {
      if (now - answer.at > ANSWER_REUSE_MS) {
        this.answers.delete(key);
      }
    }
    const key = `${
      instance.name
    }|${options.from.toISOString()}|${options.to.toISOString()}`;
    const reused = this.answers.get(key);
    if (reused) {
      return reused.sets;
    }
    const sets = this.fetchSets(instance, options);
    this.answers.set(key, { at: now, sets });
    // a failed answer is not reused: the next region asks again
    sets.catch(() => this.answers.delete(key));
    return sets;
  }

  private async fetchSets(
    instance: OpenCostInstance,
    options: { from: Date; to: Date; signal: AbortSignal },
  ): Promise<AllocationSets> {
    const params = new URLSearchParams({
      window: `${rfc3339(options.from)},${rfc3339(options.to)}`,
      aggregate: 'cluster',
      step: '1d',
      includeIdle: 'true',
    });
    const signal = AbortSignal.any([
      options.signal,
      AbortSignal.timeout(QUERY_TIMEOUT_MS),
    ]);
    const url = `${instance.endpoint}?${params}`;
    this.logger.debug(`Reading costs from ${instance.shownUrl}: ${params}`);
    const response = await fetch(url, {
      signal,
      headers: instance.authorization
        ? { authorization: instance.authorization }
        : undefined,
    }).catch(error => {
      throw signal.aborted && !options.signal.aborted
        ? new Error(`no answer within ${QUERY_TIMEOUT_MS / 1000} s`)
        : error;
    });
    const text = await response.text();
    // Window and aggregate errors come back as plain text, other errors as a
    // JSON envelope with a message; neither is parsed as data.
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}: ${errorMessageOf(text)}`);
    }
    let body: { code?: unknown; message?: unknown; data?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`answered something that is not JSON: ${quote(text)}`);
    }
    if (typeof body.code === 'number' && body.code !== 200) {
      throw new Error(
        `answered code ${body.code}: ${
          typeof body.message === 'string' ? body.message : 'no message'
        }`,
      );
    }
    if (
      !Array.isArray(body.data) ||
      body.data.some(set => typeof set !== 'object' || set === null)
    ) {
      throw new Error(
        `answered no allocation sets (data is ${quote(
          JSON.stringify(body.data) ?? 'missing',
        )})`,
      );
    }
    return body.data as AllocationSets;
  }
}

function toInstance(
  name: string,
  baseUrl: string,
  key: string,
): OpenCostInstance {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`${key} "${baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${key}: "${url.protocol}" is not http: or https:`);
  }
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const shownUrl = url.toString().replace(/\/$/, '');
  return {
    name,
    shownUrl,
    endpoint: `${shownUrl}/allocation`,
    // fetch refuses URLs that carry credentials: a proxy's basic auth goes in a header
    authorization:
      username || password
        ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
        : undefined,
  };
}

function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function quote(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_QUOTED_BODY
    ? `${trimmed.slice(0, MAX_QUOTED_BODY)}…`
    : trimmed;
}

function errorMessageOf(text: string): string {
  try {
    const body = JSON.parse(text);
    if (typeof body?.message === 'string') {
      return quote(body.message);
    }
  } catch {
    // plain text, as OpenCost answers a bad window
  }
  return quote(text) || 'empty answer';
}

/** The allocation's UTC day; the set's position when its window is open ("null"). */
function dayOf(allocation: Allocation, fallback: string): string {
  const start = allocation.window?.start ?? allocation.start;
  const parsed = typeof start === 'string' ? Date.parse(start) : NaN;
  return Number.isNaN(parsed) ? fallback : utcDay(new Date(parsed));
}

/**
 * A cost field: absent (older OpenCost) counts 0, null is OpenCost's NaN and
 * so an error, since a cost that cannot be computed cannot be summed.
 */
function costField(
  allocation: Allocation,
  field: string,
  where: string,
  name: string,
): number {
  const value = allocation[field];
  if (value === undefined) {
    return 0;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(
      `${where} answered ${JSON.stringify(
        value,
      )} for ${field} of '${name}' (OpenCost writes NaN as null); its costs cannot be summed`,
    );
  }
  return value;
}

/** A usage field: unknown (null or absent) counts as not measured. */
function usageField(allocation: Allocation, field: string): number | null {
  const value = allocation[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function toClusterDay(
  allocation: Allocation,
  name: string,
  date: string,
  where: string,
): ClusterCostDay {
  const breakdown: CostBreakdown = emptyCostBreakdown();
  for (const [bucket, fields] of Object.entries(BUCKET_FIELDS)) {
    breakdown[bucket as keyof typeof BUCKET_FIELDS] = fields.reduce(
      (sum, field) => sum + costField(allocation, field, where, name),
      0,
    );
  }
  const bucketSum = COST_BUCKETS.reduce((sum, b) => sum + breakdown[b], 0);
  const totalCost = costField(allocation, 'totalCost', where, name);
  if (Math.abs(bucketSum - totalCost) > SUM_TOLERANCE) {
    throw new Error(
      `${where}: the costs of '${name}' on ${date} add up to ${bucketSum.toFixed(
        5,
      )}, not its totalCost ${totalCost}; it reports a cost this plugin does not know`,
    );
  }
  const minutes = usageField(allocation, 'minutes') ?? 0;
  const cpuUsage = usageField(allocation, 'cpuCoreUsageAverage');
  const cpuRequest = usageField(allocation, 'cpuCoreRequestAverage');
  const ramUsage = usageField(allocation, 'ramByteUsageAverage');
  const ramRequest = usageField(allocation, 'ramByteRequestAverage');
  // efficiency needs both halves; one without the other would skew it
  const cpuKnown = cpuUsage !== null && cpuRequest !== null;
  const ramKnown = ramUsage !== null && ramRequest !== null;
  return {
    date,
    cluster: allocation.properties?.cluster ?? name,
    breakdown,
    total: bucketSum,
    cpuCoreUsageMinutes: cpuKnown ? cpuUsage * minutes : 0,
    cpuCoreRequestMinutes: cpuKnown ? cpuRequest * minutes : 0,
    ramByteUsageMinutes: ramKnown ? ramUsage * minutes : 0,
    ramByteRequestMinutes: ramKnown ? ramRequest * minutes : 0,
  };
}

/**
 * Shares one set's `__idle__` cost out among its clusters in proportion to
 * their CPU, GPU and RAM cost (evenly when those are all zero). A set with
 * idle cost but no allocation gives it to the wanted clusters.
 */
function shareIdle(
  clusterDays: ClusterCostDay[],
  idle: number,
  wanted: string[],
  date: string,
) {
  if (idle === 0) {
    return;
  }
  if (clusterDays.length === 0) {
    for (const cluster of wanted) {
      const day = {
        date,
        cluster,
        breakdown: emptyCostBreakdown(),
        total: 0,
        cpuCoreUsageMinutes: 0,
        cpuCoreRequestMinutes: 0,
        ramByteUsageMinutes: 0,
        ramByteRequestMinutes: 0,
      };
      clusterDays.push(day);
    }
  }
  const weightOf = (day: ClusterCostDay) =>
    day.breakdown.cpu + day.breakdown.gpu + day.breakdown.ram;
  const totalWeight = clusterDays.reduce((sum, d) => sum + weightOf(d), 0);
  for (const day of clusterDays) {
    const share =
      totalWeight > 0
        ? (idle * weightOf(day)) / totalWeight
        : idle / clusterDays.length;
    day.breakdown.idle += share;
    day.total += share;
  }
}
