import { FailoverStepContext } from '@meridian/plugin-regions-node';
import { quote, reasonOf, redact, requestSignal } from './common';

/** Cloudflare's answer envelope. */
interface Envelope<T> {
  success: boolean;
  errors: { code: number; message: string }[];
  messages: unknown[];
  result: T;
}

/**
 * Calls one zone of the Cloudflare API v4 (`Authorization: Bearer
 * <apiToken>`) for a traffic switch: unwraps the envelope, and turns every
 * failure into a message naming the switch, never the token.
 */
export class CloudflareApi {
  private readonly zoneUrl: string;

  constructor(
    private readonly switchName: string,
    private readonly apiToken: string,
    readonly zoneId: string,
    url: URL,
  ) {
    this.zoneUrl = `${url
      .toString()
      .replace(/\/+$/, '')}/zones/${encodeURIComponent(zoneId)}`;
  }

  describe(): string {
    return `traffic switch ${this.switchName} (cloudflare zone ${this.zoneId})`;
  }

  async request<T>(
    ctx: FailoverStepContext,
    method: 'GET' | 'PATCH',
    path: string,
    body?: object,
  ): Promise<T> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.zoneUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.apiToken}`,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: requestSignal(ctx),
      });
      text = await response.text();
    } catch (error) {
      throw this.error(`${method} ${path}: ${reasonOf(error, ctx)}`);
    }
    let envelope: Envelope<T>;
    try {
      envelope = JSON.parse(text);
    } catch {
      throw this.error(
        `${method} ${path} answered HTTP ${
          response.status
        } with something that is not JSON: ${quote(text)}`,
      );
    }
    if (!response.ok || envelope.success !== true) {
      const errors = (envelope.errors ?? [])
        .map(entry => `${entry.code} ${entry.message}`)
        .join('; ');
      throw this.error(
        `${method} ${path} failed (HTTP ${response.status}): ${
          errors || quote(text)
        }${
          response.status === 401 || response.status === 403
            ? `; check regions.traffic.${this.switchName}.apiToken and its permissions`
            : ''
        }`,
      );
    }
    return envelope.result;
  }

  error(reason: string): Error {
    return new Error(`${this.describe()}: ${redact(reason, [this.apiToken])}`);
  }
}
