/** A duration as an object, e.g. `{ seconds: 15 }` or `{ hours: 1 }`. */
interface DurationObject {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

/**
 * A duration: an object like `{ seconds: 15 }` or an ISO 8601 duration string
 * like `PT15S`.
 */
type Duration = DurationObject | string;

/** When a collector runs, as the Backstage scheduler understands it. */
interface CollectorSchedule {
  /**
   * How often the collector runs: a duration, or a crontab line as `{ cron: '0 * * * *' }`.
   */
  frequency?: Duration | { cron: string };
  /** How long one run may take before it is considered stuck. */
  timeout?: Duration;
  /** How long after backend startup the first run waits. */
  initialDelay?: Duration;
}

export interface Config {
  /** Configuration of the Meridian regions plugins. */
  regions?: {
    /**
     * CIDR pools that `meridian:cidr:allocate` allocates region network
     * blocks from.
     */
    pools?: Array<{
      /** The name a Region's `spec.network.pool` refers to, e.g. `brazil`. */
      name: string;
      /** The pool's block in canonical form, e.g. `10.16.0.0/12`. */
      cidr: string;
      /** The prefix length of each block allocated from the pool, e.g. 16. */
      prefixLength: number;
    }>;

    /**
     * PostgreSQL nodes by name; a Region's `meridian.dev/database` annotation
     * names one. Secrets stay here and never reach entities or HTTP answers.
     * Config is the trust root: a region may use a node only when the node's
     * `regions` lists it.
     */
    databases?: {
      [name: string]: {
        /**
         * The regions that may name this node, as full entity refs, e.g.
         * `[region:default/us-east]`. A Region whose annotation names a node
         * not bound to it is refused by every failover pre-flight, observed by
         * no collector, and shown with a `database-binding` conflict. A node
         * without `regions` serves no region.
         */
        regions?: string[];
        /**
         * A PostgreSQL connection string, e.g.
         * `postgresql://meridian:${PG_PASSWORD}@10.16.0.10:5432/postgres`.
         * @visibility secret
         */
        connection?: string;
        /** A Patroni-managed node, reached through its REST API. */
        patroni?: {
          /**
           * The Patroni REST API, e.g. `http://10.16.0.10:8008`; a user and
           * password in it (Patroni's `restapi.authentication`, needed for
           * switchover and failover) are sent as basic auth.
           * @visibility secret
           */
          url: string;
          /** The Patroni member name of this node, e.g. `sul-1`. */
          member?: string;
        };
        /**
         * An out-of-band fence (the `command` fencer), run when the node does
         * not answer during an emergency failover: a command that powers the
         * host off or cuts it off, so it cannot come back as a second writable
         * primary. Run without a shell, with `MERIDIAN_DATABASE` set to the
         * node's name; exit 0 is the fence. Its exit code and output go into
         * the run, its arguments do not.
         */
        fence?: {
          /** The program and its arguments, e.g. `['/usr/local/bin/power-off', 'db-1']`. */
          command: string[];
          /** How long it may take before it is killed and the fence failed. Default 60. */
          timeoutSeconds?: number;
        };
      };
    };

    /** Prometheus, an optional source of replication lag. */
    prometheus?: {
      /** e.g. `http://prometheus:9090`; user and password in it are sent as basic auth. */
      baseUrl: string;
      /**
       * Label matchers of each region's node among postgres_exporter series,
       * by region name, e.g. `{ studio-sul: '{instance="10.16.0.10:9187"}' }`.
       * A region's `meridian.dev/prometheus-selector` annotation takes
       * precedence. Only a matcher list is accepted (no operators, functions).
       */
      selectors?: { [regionName: string]: string };
      /**
       * How often Prometheus scrapes the exporters. A node's series last
       * scraped more than twice this long ago is stale: its region's
       * replication is `unknown`. Default `{ minutes: 1 }` (Prometheus' own).
       */
      scrapeInterval?: Duration;
    };

    /**
     * OpenCost, the source of region costs. Give `baseUrl` for one instance,
     * `instances` for several (one per cluster is OpenCost's usual install),
     * or both: `baseUrl` then serves every cluster no instance lists.
     */
    opencost?: {
      /** e.g. `http://opencost:9003`; user and password in it are sent as basic auth. */
      baseUrl?: string;
      /** Several OpenCost instances by name. */
      instances?: {
        [name: string]: {
          /** e.g. `http://opencost.eu:9003`, or `http://opencost-ui:9090/model`. */
          baseUrl: string;
          /**
           * The clusters this instance answers for (OpenCost's `cluster`
           * property). Without it, the instance serves every cluster no other
           * instance lists; at most one instance may omit it.
           */
          clusters?: string[];
        };
      };
      /** ISO 4217 code of the prices OpenCost uses; it does not convert currencies. Default `USD`. */
      currency?: string;
      /**
       * True when the configured OpenCost serves generated demo data (the
       * one `scripts/start.sh` starts): the cost answers carry `demo: true`
       * and every cost view is labelled "demo data". Default false.
       */
      demo?: boolean;
    };

    /**
     * Named traffic switches that failovers use: the DNS record or load
     * balancer that sends users to the active region. A Region names the
     * switches that point at it with the annotation
     * `meridian.dev/traffic: api-dns[, other]`. Keys not used by a block's
     * driver are ignored.
     */
    traffic?: {
      [name: string]: {
        /**
         * Which DNS or traffic API the switch drives: `powerdns`, `cloudflare`,
         * `route53`, or a driver a backend module adds.
         */
        driver: string;
        /**
         * The address each region is reached at, keyed by the region's full
         * entity ref, e.g. `{ 'region:default/us-east': 10.48.0.10,
         * 'region:default/us-west': 10.49.0.10 }`: an IPv4 address for an `A`
         * record, IPv6 for `AAAA`, a host name for `CNAME`. The keys are the
         * regions the switch serves: a failover drives it only between two of
         * them. Not used by a Cloudflare load balancer (see
         * `loadBalancer.poolIds`).
         */
        addresses?: { [regionRef: string]: string };
        /**
         * powerdns: the API's base URL, e.g. `http://10.0.0.53:8081`;
         * cloudflare: default `https://api.cloudflare.com/client/v4`.
         */
        url?: string;
        /**
         * powerdns: the API key (`api-key` in pdns.conf), sent as `X-API-Key`.
         * @visibility secret
         */
        apiKey?: string;
        /** powerdns: the server id in API paths. Default `localhost`. */
        serverId?: string;
        /** powerdns: the zone holding the record, e.g. `meridian.test.`. */
        zone?: string;
        /**
         * powerdns: the server runs with `enable-lua-records=yes`, so a
         * failback may shift traffic in steps (a `pickwrandom` LUA record
         * replaces the plain one until the last step). Default false: the
         * switch only switches all at once. Route 53 (weighted record sets)
         * and a Cloudflare load balancer (random steering with pool weights)
         * can always split traffic; a Cloudflare DNS record cannot.
         */
        luaRecords?: boolean;
        /**
         * powerdns, route53: the record's name, e.g. `api.meridian.test.`;
         * cloudflare: the DNS record's name, looked up with its type (or use `recordId`).
         */
        record?: string;
        /** The record type: `A` (default), `AAAA` or `CNAME`. */
        type?: 'A' | 'AAAA' | 'CNAME';
        /**
         * The record's TTL in seconds. powerdns and route53: default 30;
         * cloudflare: left as it is unless set (1 is automatic).
         */
        ttl?: number;
        /**
         * cloudflare: an API token allowed to edit DNS (or load balancers) of the zone.
         * @visibility secret
         */
        apiToken?: string;
        /** cloudflare: the zone id. */
        zoneId?: string;
        /** cloudflare: the DNS record's id, instead of `record`. */
        recordId?: string;
        /** cloudflare: drive a load balancer's pools instead of a DNS record. */
        loadBalancer?: {
          /** The load balancer's id. */
          id: string;
          /** The pool that serves each region, keyed by the region's full entity ref. */
          poolIds: { [regionRef: string]: string };
        };
        /** route53: the hosted zone id, e.g. `Z1D633PJN98FT9`. */
        hostedZoneId?: string;
        /** route53: the AWS region of the client. Default `us-east-1`. */
        region?: string;
        /** route53: another endpoint than Route 53's own, e.g. for a proxy. */
        endpoint?: string;
        /** route53: how long to wait for a change to be INSYNC. Default 120, at least 2. */
        propagationTimeoutSeconds?: number;
        /** route53: static credentials; without them the SDK's default chain is used. */
        credentials?: {
          accessKeyId: string;
          /** @visibility secret */
          secretAccessKey: string;
        };
      };
    };

    /**
     * Health probes, each bound to one region by config (never by an entity,
     * so the backend probes only what its operators configured). A global
     * scheduler task checks them; `GET /regions/:namespace/:name/health`
     * answers their state.
     */
    probes?: {
      [name: string]: {
        /** `http://…` or `https://…` (a request), or `tcp://host:port` (a connect). */
        url: string;
        /** The full ref of the region it checks, e.g. `region:default/us-east`. */
        region: string;
        /** How often it is checked. Default `{ seconds: 10 }`; at least 1 s. */
        interval?: Duration;
        /** How long a check may take. Default 2000. */
        timeoutMs?: number;
        /** Failed checks in a row that make it `down`. Default 3. */
        failuresToDown?: number;
        /** A check slower than this makes it `degraded`. Default 200. */
        latencyThresholdMs?: number;
        /** http: the method, `GET` (default) or `HEAD`. */
        method?: 'GET' | 'HEAD';
        /**
         * http: the statuses that pass: a code (`200`), a class (`2xx`), or a
         * list of them. Default `2xx`.
         */
        expectStatus?: number | string | Array<number | string>;
        /**
         * When the backend runs in a region's network, that region: the
         * probe's latency is then the latency of the link from it to the
         * probed region, compared with that link's `latencyTargetMs`.
         */
        from?: string;
      };
    };

    /** Measured latency against `spec.links[].latencyTargetMs` and `spec.userLatencyTargetMs`. */
    latency?: {
      /**
       * Reads link latency from Prometheus (or Thanos Querier): an instant
       * query answering one series per link, in seconds, labelled with the
       * two regions, e.g. blackbox exporter's
       * `avg_over_time(probe_duration_seconds{job="region-links"}[5m])`.
       * Without it, links are measured by probes with `from`.
       */
      prometheus?: {
        /** Default: `regions.prometheus.baseUrl`. User and password in it are sent as basic auth. */
        baseUrl?: string;
        /** The PromQL query. */
        query: string;
        /** The label naming the region a link starts from (a region name or full ref). Default `source_region`. */
        fromLabel?: string;
        /** The label naming the region it goes to. Default `target_region`. */
        toLabel?: string;
        /** How often it is read. Default `{ minutes: 1 }`. */
        frequency?: Duration;
      };
    };

    /** Failover runs. */
    failover?: {
      /**
       * The most WAL bytes the target may lag behind the region's primary for
       * a run to proceed without `force`. Default 1048576 (1 MiB), like
       * Patroni's `maximum_lag_on_failover`.
       */
      maxLagBytes?: number;
      /**
       * How many approvals a run of each mode waits for after its pre-flight,
       * from an owner of the region other than the one who started it.
       * Defaults: `{ drill: 0, switchover: 0, failover: 1 }`.
       */
      approvals?: {
        drill?: number;
        switchover?: number;
        failover?: number;
      };
      /**
       * How long a run waits for its approvals before it expires, changing
       * nothing, e.g. `{ minutes: 30 }` (the default) or `'PT30M'`.
       */
      approvalTimeout?: Duration;
      /**
       * The scheduled validation of every primary → standby plan: an
       * emergency failover's pre-flight, without side effects.
       */
      validation?: {
        /** Default `{ minutes: 30 }`. */
        frequency?: Duration;
      };
      /**
       * Guarded automatic failover, off unless `enabled`. A region's primary
       * is failed over by `system:meridian-automatic-failover` only when all
       * its probes are down for `consecutiveChecks` checks, its database does
       * not answer, the standby passes the pre-flight within the lag limit,
       * and a fencer can fence the old primary without it (never on an
       * attestation). Otherwise the decision is recorded and the owners told.
       */
      automatic?: {
        enabled?: boolean;
        /** Record and notify what it would do, start nothing. Default true. */
        dryRun?: boolean;
        /** The full refs of the regions it may fail over; none by default. */
        regions?: string[];
        /** Probe checks in a row, every probe of the region down. Default 3. */
        consecutiveChecks?: number;
        /** Time after any failover of a region before another automatic one. Default `{ hours: 1 }`. */
        cooldown?: Duration;
        /** How often the policy looks at the probes. Default `{ seconds: 5 }`. */
        frequency?: Duration;
      };
    };

    /** When the backend's collectors run. */
    collectors?: {
      /**
       * Reading Region entities from the catalog and recomputing conflicts.
       * Defaults to every 15 seconds, first 3 seconds after startup, with a
       * 1 minute timeout. Only one backend instance runs it at a time.
       */
      catalog?: CollectorSchedule;
      /**
       * Sampling replication state and lag. Defaults to every 10 seconds,
       * first 5 seconds after startup, with a 1 minute timeout. Only one
       * backend instance samples per tick.
       */
      replication?: CollectorSchedule & {
        /**
         * How many database nodes one tick samples at once (regions on the
         * same node share one sample). Default 16; at least 1.
         */
        concurrency?: number;
        /** How long samples are kept. */
        retention?: {
          /** Raw samples, which answer the 1h window. Default 48 hours. */
          raw?: Duration;
          /** 5-minute rollups, which answer the 24h, 7d and 30d windows. Default 35 days. */
          rollups?: Duration;
        };
      };
      /**
       * Evaluating every region's readiness checks. Defaults to every 5
       * minutes, first 20 seconds after startup, with a 2 minute timeout.
       */
      readiness?: CollectorSchedule;
      /**
       * Reading costs, e.g. `{ frequency: { hours: 1 } }`. Defaults to every
       * hour, first 30 seconds after startup, with a 15 minute timeout.
       */
      cost?: CollectorSchedule & {
        /** How many days back a region is read the first time. Default 180. */
        backfillDays?: number;
        /** How many of the latest days each run reads again, as OpenCost revises them. Default 3. */
        revisitDays?: number;
      };
    };

    /** Production readiness scoring. */
    readiness?: {
      /** The score (0–100) from which a region counts as ready. Default 94. */
      threshold?: number;
      /**
       * How long a standby's replication lag must be observed within its RPO
       * for the lag check to earn full credit, e.g. `{ hours: 24 }` (the
       * default). A pass over a shorter span earns that share of the check's
       * weight, shown with the span on the Readiness tab. At least a minute;
       * the demo (scripts/start.sh) uses a few minutes.
       */
      lagEvidence?: Duration;
      /** How much each category and check counts; every weight defaults to 1. */
      weights?: {
        /**
         * By category id: infrastructure, observability, deployment,
         * security, backup-dr, documentation. 0 leaves a category out.
         */
        categories?: { [categoryId: string]: number };
        /** By check id, within its category, e.g. `{ recent-drill: 2 }`. 0 leaves a check out. */
        checks?: { [checkId: string]: number };
      };
    };
  };
}
