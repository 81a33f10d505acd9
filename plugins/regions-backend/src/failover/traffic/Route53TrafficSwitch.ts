import {
  Change,
  ChangeAction,
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  ResourceRecordSet,
  Route53Client,
  waitUntilResourceRecordSetsChanged,
} from '@aws-sdk/client-route-53';
import { Config } from '@backstage/config';
import {
  FailoverStepContext,
  TrafficSwitch,
  TrafficSwitchFactory,
} from '@meridian/plugin-regions-node';
import {
  absoluteName,
  addressProblem,
  REQUEST_TIMEOUT_MS,
  RecordType,
  redact,
  relativeName,
  TrafficConfig,
  weightsProblem,
} from './common';

const DEFAULT_PROPAGATION_TIMEOUT_SECONDS = 120;
/** Sets read per record: one simple set, or one weighted set per region. */
const MAX_SETS = 100;

const isWeighted = (set: ResourceRecordSet) => set.Weight !== undefined;
const setIdentifierOf = (address: string) => `meridian ${address}`;

/**
 * Points one record of an Amazon Route 53 hosted zone at the active region
 * with the AWS SDK v3: an `UPSERT` through `ChangeResourceRecordSets`, then
 * `GetChange` until Route 53 reports the change `INSYNC` on all its
 * authoritative servers (bounded by `propagationTimeoutSeconds`). For a canary
 * it splits the record into weighted sets, one per address.
 *
 * Config (`regions.traffic.<name>`): `hostedZoneId`, `record`, `type` (`A`
 * default, `AAAA`, `CNAME`), `ttl` (default 30), `region` (default
 * `us-east-1`), `credentials: { accessKeyId, secretAccessKey }` (else the SDK's
 * default chain: environment, shared files, instance role), `endpoint`,
 * `propagationTimeoutSeconds` (default 120), `addresses`.
 */
export class Route53TrafficSwitch implements TrafficSwitch {
  readonly driver = 'route53';

  static fromConfig(name: string, config: Config): Route53TrafficSwitch {
    const block = new TrafficConfig(name, config);
    const hostedZoneId = block
      .string('hostedZoneId')
      .replace(/^\/?hostedzone\//, '');
    if (!/^[A-Z0-9]+$/.test(hostedZoneId)) {
      block.fail(
        'hostedZoneId',
        `"${hostedZoneId}" is not a hosted zone id like Z1D633PJN98FT9`,
      );
    }
    const record = absoluteName(block.string('record'));
    const type = block.recordType('type');
    const ttl = block.positiveInteger('ttl', 30)!;
    const region = block.optionalString('region') ?? 'us-east-1';
    const endpoint = config.has('endpoint')
      ? block.url('endpoint').toString()
      : undefined;
    const propagationTimeoutSeconds = block.positiveInteger(
      'propagationTimeoutSeconds',
      DEFAULT_PROPAGATION_TIMEOUT_SECONDS,
    )!;
    if (propagationTimeoutSeconds < 2) {
      // GetChange is polled at most once a second.
      block.fail(
        'propagationTimeoutSeconds',
        `must be at least 2, not ${propagationTimeoutSeconds}`,
      );
    }
    let credentials:
      | { accessKeyId: string; secretAccessKey: string }
      | undefined;
    if (config.has('credentials')) {
      const credentialsBlock = new TrafficConfig(
        `${name}.credentials`,
        config.getConfig('credentials'),
      );
      credentials = {
        accessKeyId: credentialsBlock.string('accessKeyId'),
        secretAccessKey: credentialsBlock.secret('secretAccessKey'),
      };
    }
    const addresses = block.addresses(type);
    const client = new Route53Client({
      region,
      endpoint,
      credentials,
      maxAttempts: 3,
      requestHandler: {
        connectionTimeout: REQUEST_TIMEOUT_MS / 2,
        requestTimeout: REQUEST_TIMEOUT_MS,
      },
    });
    return new Route53TrafficSwitch(name, client, {
      hostedZoneId,
      record,
      type,
      ttl,
      propagationTimeoutSeconds,
      addresses,
      secrets: credentials ? [credentials.secretAccessKey] : [],
    });
  }

  private constructor(
    readonly name: string,
    private readonly client: Route53Client,
    private readonly options: {
      hostedZoneId: string;
      record: string;
      type: RecordType;
      ttl: number;
      propagationTimeoutSeconds: number;
      addresses: Map<string, string>;
      secrets: string[];
    },
  ) {}

  addressOf(regionRef: string): string | undefined {
    return this.options.addresses.get(regionRef);
  }

  async current(ctx: FailoverStepContext): Promise<string[]> {
    const sets = await this.recordSets(ctx);
    if (sets.some(isWeighted)) {
      return sets
        .filter(set => (set.Weight ?? 0) > 0)
        .flatMap(set => this.valuesOf(set));
    }
    return sets.flatMap(set => this.valuesOf(set));
  }

  async currentWeights(
    ctx: FailoverStepContext,
  ): Promise<{ address: string; percent: number }[]> {
    const sets = await this.recordSets(ctx);
    if (!sets.some(isWeighted)) {
      const values = sets.flatMap(set => this.valuesOf(set));
      return values.map(address => ({
        address,
        percent: Math.round(100 / values.length),
      }));
    }
    const total = sets.reduce((sum, set) => sum + (set.Weight ?? 0), 0);
    return sets.flatMap(set =>
      this.valuesOf(set).map(address => ({
        address,
        percent: total ? Math.round(((set.Weight ?? 0) * 100) / total) : 0,
      })),
    );
  }

  /**
   * One simple record set with `address`; weighted sets left by a canary are
   * deleted in the same change batch, which Route 53 applies atomically.
   */
  async switchTo(address: string, ctx: FailoverStepContext): Promise<void> {
    const { record, type, ttl } = this.options;
    const problem = addressProblem(address, type);
    if (problem) {
      throw new Error(`${this.describe()}: cannot switch to ${problem}`);
    }
    const weighted = (await this.recordSets(ctx)).filter(isWeighted);
    ctx.log(
      `${this.describe()}: UPSERT ${record} ${type} ${address} (TTL ${ttl} s)${
        weighted.length
          ? `, deleting the weighted sets ${weighted
              .map(set => set.SetIdentifier)
              .join(', ')}`
          : ''
      }`,
    );
    await this.submit(ctx, [
      ...weighted.map(set => ({
        Action: ChangeAction.DELETE,
        ResourceRecordSet: set,
      })),
      {
        Action: ChangeAction.UPSERT,
        ResourceRecordSet: {
          Name: record,
          Type: type,
          TTL: ttl,
          ResourceRecords: [{ Value: address }],
        },
      },
    ]);
  }

  /**
   * One weighted record set per address (`SetIdentifier` "meridian
   * <address>", `Weight` its percent), replacing the simple set or the
   * previous split in one atomic change batch.
   */
  async weigh(
    weights: { address: string; percent: number }[],
    ctx: FailoverStepContext,
  ): Promise<void> {
    const { record, type, ttl } = this.options;
    const problem =
      weightsProblem(weights) ??
      weights.map(w => addressProblem(w.address, type)).find(Boolean);
    if (problem) {
      throw new Error(`${this.describe()}: cannot weigh: ${problem}`);
    }
    const identifiers = new Set(weights.map(w => setIdentifierOf(w.address)));
    const stale = (await this.recordSets(ctx)).filter(
      set => !set.SetIdentifier || !identifiers.has(set.SetIdentifier),
    );
    ctx.log(
      `${this.describe()}: weighted ${record} ${type}: ${weights
        .map(w => `${w.address} ${w.percent}`)
        .join(', ')}`,
    );
    await this.submit(ctx, [
      ...stale.map(set => ({
        Action: ChangeAction.DELETE,
        ResourceRecordSet: set,
      })),
      ...weights.map(w => ({
        Action: ChangeAction.UPSERT,
        ResourceRecordSet: {
          Name: record,
          Type: type,
          SetIdentifier: setIdentifierOf(w.address),
          Weight: w.percent,
          TTL: ttl,
          ResourceRecords: [{ Value: w.address }],
        },
      })),
    ]);
  }

  /** The record's sets: one simple set, or the weighted sets of a split. */
  private async recordSets(
    ctx: FailoverStepContext,
  ): Promise<ResourceRecordSet[]> {
    const { hostedZoneId, record, type } = this.options;
    const answer = await this.call(ctx, 'ListResourceRecordSets', () =>
      this.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: hostedZoneId,
          StartRecordName: record,
          StartRecordType: type,
          MaxItems: MAX_SETS,
        }),
        { abortSignal: ctx.signal },
      ),
    );
    // The list starts at the record, or at the next one when it does not exist.
    return (answer.ResourceRecordSets ?? []).filter(
      set => absoluteName(set.Name ?? '') === record && set.Type === type,
    );
  }

  private valuesOf(set: ResourceRecordSet): string[] {
    if (set.AliasTarget?.DNSName) {
      return [relativeName(set.AliasTarget.DNSName)];
    }
    return (set.ResourceRecords ?? []).map(entry =>
      this.options.type === 'CNAME'
        ? relativeName(entry.Value ?? '')
        : entry.Value ?? '',
    );
  }

  /** Sends one change batch and waits until Route 53 says it is INSYNC. */
  private async submit(ctx: FailoverStepContext, changes: Change[]) {
    const { hostedZoneId, propagationTimeoutSeconds } = this.options;
    const started = Date.now();
    const answer = await this.call(ctx, 'ChangeResourceRecordSets', () =>
      this.client.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: hostedZoneId,
          ChangeBatch: {
            Comment: `Meridian failover: traffic switch ${this.name}`,
            Changes: changes,
          },
        }),
        { abortSignal: ctx.signal },
      ),
    );
    const changeId = answer.ChangeInfo?.Id ?? '';
    if (answer.ChangeInfo?.Status === 'INSYNC') {
      ctx.log(`${this.describe()}: change ${changeId} is INSYNC`);
      return;
    }
    ctx.log(
      `${this.describe()}: change ${changeId} is ${
        answer.ChangeInfo?.Status
      }; waiting until INSYNC (at most ${propagationTimeoutSeconds} s)`,
    );
    try {
      await waitUntilResourceRecordSetsChanged(
        {
          client: this.client,
          maxWaitTime: propagationTimeoutSeconds,
          minDelay: 1,
          maxDelay: 5,
          abortSignal: ctx.signal,
        },
        { Id: changeId },
      );
    } catch (error) {
      throw this.error(
        ctx.signal.aborted
          ? `the step was aborted while change ${changeId} was PENDING`
          : `change ${changeId} was not INSYNC after ${propagationTimeoutSeconds} s; Route 53 accepted it and will still apply it${
              (error as Error).name === 'TimeoutError'
                ? ''
                : ` (${this.reasonOf(error)})`
            }`,
      );
    }
    ctx.log(
      `${this.describe()}: change ${changeId} is INSYNC after ${
        Date.now() - started
      } ms`,
    );
  }

  private describe(): string {
    return `traffic switch ${this.name} (route53 hosted zone ${this.options.hostedZoneId})`;
  }

  private async call<T>(
    ctx: FailoverStepContext,
    operation: string,
    send: () => Promise<T>,
  ): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.error(
        ctx.signal.aborted
          ? `${operation}: the step was aborted`
          : `${operation} failed: ${this.reasonOf(error)}`,
      );
    }
  }

  /** `Code (HTTP status): message`, as the SDK parsed the service's error. */
  private reasonOf(error: unknown): string {
    const { name, message, $metadata } = error as {
      name?: string;
      message?: string;
      $metadata?: { httpStatusCode?: number };
    };
    const status = $metadata?.httpStatusCode
      ? ` (HTTP ${$metadata.httpStatusCode})`
      : '';
    return `${name ?? 'Error'}${status}: ${message ?? String(error)}`;
  }

  private error(reason: string): Error {
    return new Error(
      `${this.describe()}: ${redact(reason, this.options.secrets)}`,
    );
  }
}

/** Builds `route53` traffic switches. */
export const route53TrafficSwitchFactory: TrafficSwitchFactory = {
  driver: 'route53',
  create: (name, config) => Route53TrafficSwitch.fromConfig(name, config),
};
