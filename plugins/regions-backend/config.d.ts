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
     */
    databases?: {
      [name: string]: {
        /**
         * A PostgreSQL connection string, e.g.
         * `postgresql://meridian:${PG_PASSWORD}@10.16.0.10:5432/postgres`.
         * @visibility secret
         */
        connection?: string;
        /** A Patroni-managed node, reached through its REST API. */
        patroni?: {
          /** The Patroni REST API, e.g. `http://10.16.0.10:8008`. */
          url: string;
          /** The Patroni member name of this node, e.g. `sul-1`. */
          member?: string;
        };
      };
    };

    /** Prometheus, an optional source of replication lag. */
    prometheus?: {
      /** e.g. `http://prometheus:9090`; user and password in it are sent as basic auth. */
      baseUrl: string;
      /**
       * PromQL label selectors of each region's node among postgres_exporter
       * series, by region name, e.g. `{ studio-sul: '{instance="10.16.0.10:9187"}' }`.
       * A region's `meridian.dev/prometheus-selector` annotation takes precedence.
       */
      selectors?: { [regionName: string]: string };
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
    };

    /** Named traffic switches that failovers use. */
    traffic?: {
      [name: string]: {
        /** Which DNS or traffic API the switch drives. */
        driver: 'powerdns' | 'cloudflare' | 'route53';
        /** The API's base URL, where the driver needs one. */
        url?: string;
        /** The DNS zone holding the record. */
        zone?: string;
        /** The record that points at the active region. */
        record?: string;
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
        /** How long samples are kept. */
        retention?: {
          /** Raw samples, which answer the 1h and 24h windows. Default 48 hours. */
          raw?: Duration;
          /** 5-minute rollups, which answer the 7d and 30d windows. Default 35 days. */
          rollups?: Duration;
        };
      };
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
      /** The score (0–100) from which a region counts as ready, e.g. 94. */
      threshold?: number;
    };
  };
}
