/*
 * Error messages an operator reads: what a network error means, and no secret
 * in them. Shared by the sources, promoters and traffic switches, whose
 * messages reach routes, logs and the failover step logs.
 */

/** Words for the network errors of Node, by error code. */
const NETWORK_ERROR_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

/** The network error codes that mean the peer does not answer at all. */
export const UNREACHABLE_ERROR_CODES: ReadonlySet<string> = new Set(
  Object.keys(NETWORK_ERROR_REASONS),
);

/** What a network error code means, e.g. `connection refused`; undefined for other codes. */
export function networkErrorReason(code: string | undefined) {
  return code ? NETWORK_ERROR_REASONS[code] : undefined;
}

/** Replaces every occurrence of each secret with `***`, longest first. */
export function redact(text: string, secrets: string[]): string {
  return secrets
    .filter(secret => secret.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((redacted, secret) => redacted.split(secret).join('***'), text);
}

/** A connection string and its user and password (URL or key=value form). */
export function connectionSecrets(connection: string): string[] {
  const secrets = [connection];
  try {
    const url = new URL(connection);
    secrets.push(
      decodeURIComponent(url.username),
      decodeURIComponent(url.password),
    );
  } catch {
    for (const match of connection.matchAll(
      /\b(?:user|password)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/g,
    )) {
      secrets.push(match[1].replace(/^'|'$/g, ''));
    }
  }
  return secrets.filter(secret => secret.length > 0);
}

/** A response body shortened to one line, for an error message. */
export function quote(text: string, maxLength = 200): string {
  const line = text.trim().replace(/\s+/g, ' ');
  return line.length > maxLength
    ? `${line.slice(0, maxLength)}…`
    : line || '(empty body)';
}
