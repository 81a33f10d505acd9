import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { ProbeCheck } from '../../database/ProbeStore';
import { ProbeDefinition } from './config';

/**
 * Checks a probe once: an HTTP request whose status must match
 * `expectStatus` (redirects are not followed: a 3xx is the answer), or a TCP
 * connect. Never throws: a failure is a failed check with its reason.
 */
export async function checkProbe(
  probe: ProbeDefinition,
  signal?: AbortSignal,
): Promise<ProbeCheck> {
  const checkedAt = new Date();
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const failed = (error: string): ProbeCheck => ({
    probe: probe.name,
    checkedAt,
    ok: false,
    latencyMs: null,
    error,
  });
  try {
    if (probe.kind === 'tcp') {
      await connect(probe, signal);
    } else {
      const status = await request(probe, signal);
      if (!probe.expectStatus.matches(status)) {
        return failed(
          `answered ${status}, expected ${probe.expectStatus.description}`,
        );
      }
    }
    return {
      probe: probe.name,
      checkedAt,
      ok: true,
      latencyMs: elapsed(),
      error: null,
    };
  } catch (error) {
    return failed(describeError(error, probe));
  }
}

async function request(
  probe: ProbeDefinition,
  signal?: AbortSignal,
): Promise<number> {
  const timeout = AbortSignal.timeout(probe.timeoutMs);
  const response = await fetch(probe.url, {
    method: probe.method,
    redirect: 'manual',
    headers: probe.authorization
      ? { authorization: probe.authorization }
      : undefined,
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  // the body is not read: release the connection for the next check
  await response.body?.cancel().catch(() => undefined);
  return response.status;
}

function connect(probe: ProbeDefinition, signal?: AbortSignal) {
  const timeout = AbortSignal.timeout(probe.timeoutMs);
  const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
  return new Promise<void>((resolve, reject) => {
    const socket = net.connect({
      host: probe.url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(probe.url.port),
      signal: abort,
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', error => {
      socket.destroy();
      // an abort says why: the timeout (TimeoutError) or the task's end
      reject(abort.aborted ? abort.reason : error);
    });
  });
}

const ERROR_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed before an answer',
};

// fetch wraps the reason in `cause`; the URL in a message never holds
// credentials, as the probe's URL has none.
function describeError(error: unknown, probe: ProbeDefinition): string {
  const err = error as { name?: string; code?: string; cause?: any };
  if (err?.name === 'TimeoutError') {
    return `no answer within ${probe.timeoutMs} ms`;
  }
  const code = err?.cause?.code ?? err?.code;
  if (code && ERROR_CODES[code]) {
    return ERROR_CODES[code];
  }
  const cause = err?.cause?.message ?? (error as Error)?.message;
  return String(cause ?? error);
}
