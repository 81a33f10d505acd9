import { networkErrorReason, quote, redact } from './errors';

/** A series of an instant vector, as `/api/v1/query` answers it. */
type VectorSample = {
  metric: Record<string, string>;
  value: [number, string];
};

/** A series of a range vector, as `/api/v1/query` answers `metric{...}[5m]`. */
type MatrixSample = {
  metric: Record<string, string>;
  values: [number, string][];
};

/** One series with its value parsed; `NaN` and `±Inf` never get this far. */
export type PrometheusReading = {
  labels: Record<string, string>;
  value: number;
};

/** A series' latest sample with the time it was scraped (not the time of the query). */
export type TimedPrometheusReading = PrometheusReading & { at: Date };

/**
 * Instant queries against Prometheus' HTTP API (or anything serving
 * `/api/v1/query`, such as Thanos Querier). User and password in the base URL
 * are sent as basic auth and never appear in a message: errors name the URL
 * without them.
 */
export class PrometheusClient {
  private readonly endpoint: URL;
  /** Sent as a header: fetch refuses URLs that carry credentials. */
  private readonly authorization?: string;
  /** The base URL without user and password, the only form any message shows. */
  readonly shownUrl: string;
  private readonly secrets: string[];

  constructor(baseUrl: string) {
    const url = new URL(baseUrl);
    const username = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    this.secrets = [username, password].filter(secret => secret.length > 0);
    if (url.username || url.password) {
      this.authorization = `Basic ${Buffer.from(
        `${username}:${password}`,
      ).toString('base64')}`;
    }
    url.username = '';
    url.password = '';
    this.shownUrl = url.toString().replace(/\/$/, '');
    this.endpoint = new URL(`${this.shownUrl}/api/v1/query`);
  }

  /** One instant query; throws on anything but a vector of finite numbers. */
  async query(
    query: string,
    signal: AbortSignal,
  ): Promise<PrometheusReading[]> {
    const result = await this.post(query, 'vector', signal);
    return (result as VectorSample[]).map(sample => ({
      labels: sample.metric ?? {},
      value: finite(sample?.value?.[1], query),
    }));
  }

  /**
   * The latest sample of each series a selector matches within the last
   * `windowSeconds`, with its own timestamp: an instant query stamps every
   * value with the query's time, so a dead exporter's last value would look
   * live. Asks for the range vector `selector[window]` (Prometheus and Thanos
   * Query alike) and keeps each series' last point.
   */
  async queryLatest(
    selector: string,
    windowSeconds: number,
    signal: AbortSignal,
  ): Promise<TimedPrometheusReading[]> {
    const query = `${selector}[${Math.ceil(windowSeconds)}s]`;
    const result = await this.post(query, 'matrix', signal);
    return (result as MatrixSample[]).flatMap(sample => {
      const last = Array.isArray(sample?.values)
        ? sample.values[sample.values.length - 1]
        : undefined;
      if (!last) {
        return [];
      }
      return [
        {
          labels: sample.metric ?? {},
          value: finite(last[1], query),
          at: new Date(Number(last[0]) * 1000),
        },
      ];
    });
  }

  private async post(
    query: string,
    resultType: 'vector' | 'matrix',
    signal: AbortSignal,
  ): Promise<unknown[]> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(this.authorization ? { authorization: this.authorization } : {}),
      },
      body: new URLSearchParams({ query }),
      signal,
    });
    const text = await response.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(
        response.ok
          ? `answered something that is not JSON to ${query}`
          : `answered HTTP ${response.status}: ${quote(text)}`,
      );
    }
    if (body?.status === 'error' || !response.ok) {
      const detail = [body?.errorType, body?.error].filter(Boolean).join(': ');
      throw new Error(
        `answered HTTP ${response.status} to ${query}${
          detail ? `: ${detail}` : ''
        }`,
      );
    }
    if (
      body?.status !== 'success' ||
      body.data?.resultType !== resultType ||
      !Array.isArray(body.data.result)
    ) {
      throw new Error(
        `answered ${query} with something other than a ${resultType}`,
      );
    }
    return body.data.result;
  }

  /** Why a query failed, for an operator, with no credential in it. */
  reasonOf(error: unknown): string {
    // fetch says only `fetch failed`; its cause says what happened
    const cause = (error as { cause?: { code?: string; message?: string } })
      ?.cause;
    const reason =
      networkErrorReason(cause?.code) ??
      cause?.message ??
      (error instanceof Error ? error.message : String(error));
    return redact(reason, this.secrets);
  }
}

function finite(raw: unknown, query: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new Error(`${query} has the value ${String(raw)}, not a number`);
  }
  return value;
}
