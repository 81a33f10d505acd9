import {
  DatabaseNode,
  FailoverStepContext,
} from '@meridian/plugin-regions-node';
import { Client, DatabaseError } from 'pg';
import {
  connectionSecrets,
  networkErrorReason,
  redact,
  UNREACHABLE_ERROR_CODES,
} from '../lib/errors';

export const CONNECT_TIMEOUT_MS = 3_000;
export const STATEMENT_TIMEOUT_MS = 10_000;
/** Client-side backstop for a node that stops answering mid-query (frozen): statement_timeout cannot fire then. */
export const QUERY_TIMEOUT_MS = 15_000;

/** Errors that mean the node does not answer at all (stopped, frozen, unreachable). */
const UNREACHABLE = new Set([
  ...UNREACHABLE_ERROR_CODES,
  '57P01', // admin_shutdown: the server is shutting down
  '57P03', // cannot_connect_now: starting up or shutting down
]);

/** An error of a node action, telling whether the node did not answer at all. */
export class NodeError extends Error {
  constructor(message: string, readonly unreachable: boolean) {
    super(message);
  }
}

/**
 * Opens a connection to a node of `regions.databases` with its configured
 * connection string, for one failover action. Messages never carry the
 * connection string, user or password.
 */
export async function connectNode(
  node: DatabaseNode,
  signal: AbortSignal,
): Promise<Client> {
  if (!node.connection) {
    throw new Error(
      `database ${node.name} has no connection under regions.databases.${node.name}`,
    );
  }
  signal.throwIfAborted();
  const client = new Client({
    connectionString: node.connection,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    application_name: 'meridian-failover',
  });
  // A node stopped or fenced meanwhile ends the connection: report it through
  // the query that fails, never as an unhandled event.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}

/**
 * Runs `fn` on a fresh connection to the node, ended afterwards (or at once
 * when the step is aborted), with errors an operator can read and no secrets:
 * `cannot <action> <node>: <reason>`.
 */
export async function withNode<T>(
  node: DatabaseNode,
  ctx: Pick<FailoverStepContext, 'signal'>,
  action: string,
  fn: (client: Client) => Promise<T>,
): Promise<T> {
  let client: Client | undefined;
  const onAbort = () => client?.end().catch(() => {});
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    client = await connectNode(node, ctx.signal);
    return await fn(client);
  } catch (error) {
    throw new NodeError(
      `cannot ${action} ${node.name}: ${
        ctx.signal.aborted ? 'aborted' : messageOf(error, node)
      }`,
      isUnreachable(error),
    );
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    await client?.end().catch(() => {});
  }
}

/** Whether the error means the node does not answer (refused, timed out, shutting down). */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof NodeError) {
    return error.unreachable;
  }
  const { code, message = '' } = (error ?? {}) as {
    code?: string;
    message?: string;
  };
  return (
    (code !== undefined && UNREACHABLE.has(code)) ||
    /Connection terminated|timeout expired|timeout exceeded|Query read timeout/i.test(
      message,
    )
  );
}

/** A thrown message from our own code passes; a driver's one is reduced to a reason. */
function messageOf(error: unknown, node: DatabaseNode): string {
  return error instanceof Error &&
    !(error instanceof DatabaseError) &&
    !(error as { code?: string }).code &&
    !isUnreachable(error)
    ? scrub(error.message, node)
    : reasonOf(error, node);
}

/** A short reason an operator can act on, never quoting the connection string, user or password. */
export function reasonOf(error: unknown, node: DatabaseNode): string {
  const { code, message = String(error) } = (error ?? {}) as {
    code?: string;
    message?: string;
  };
  const network = networkErrorReason(code);
  if (network) {
    return network;
  }
  // SQLSTATE class 28: PostgreSQL's messages here quote the user name.
  if (code?.startsWith('28')) {
    return 'authentication failed';
  }
  if (code === '42501') {
    return `permission denied (${scrub(
      message,
      node,
    )}): the role needs the privileges listed in the regions-backend README`;
  }
  if (code === '57014') {
    return `query timed out after ${STATEMENT_TIMEOUT_MS / 1000} s`;
  }
  if (code === '57P03') {
    return 'the server is starting up or shutting down';
  }
  if (/timeout expired|timeout exceeded/i.test(message)) {
    return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s connecting`;
  }
  if (/Query read timeout/i.test(message)) {
    return `no answer within ${QUERY_TIMEOUT_MS / 1000} s to a query`;
  }
  if (/Connection terminated/i.test(message)) {
    return 'the connection was closed';
  }
  return scrub(message, node);
}

function scrub(message: string, node: DatabaseNode): string {
  return redact(message, connectionSecrets(node.connection ?? ''));
}

/** The host and port a connection string reaches, e.g. `127.0.0.1:5432`, to match a standby's upstream. */
export function addressOf(connection: string): string | undefined {
  try {
    const url = new URL(connection);
    return `${url.hostname}:${url.port || '5432'}`;
  } catch {
    const host = /\bhost\s*=\s*'?([^'\s]+)/.exec(connection)?.[1];
    const port = /\bport\s*=\s*'?(\d+)/.exec(connection)?.[1] ?? '5432';
    return host ? `${host}:${port}` : undefined;
  }
}
