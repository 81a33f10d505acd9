import { Pool, PoolClient } from 'pg';

/**
 * Runs `fn` on a pooled connection. An abort rejects at once and destroys the
 * connection, so nothing waits for the query it was running (the server ends
 * that query at its statement timeout).
 *
 * While the connection is checked out the pool does not listen for its
 * errors, so a server that ends it between two queries (a node stopped,
 * fenced or failed over) would raise an unhandled `error` event and crash
 * the backend: the error is heard here instead, and the broken connection
 * is destroyed rather than pooled again.
 */
export async function withClient<T>(
  pool: Pool,
  signal: AbortSignal,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  signal.throwIfAborted();
  const connecting = pool.connect();
  const client = await new Promise<PoolClient>((resolve, reject) => {
    const onAbort = () => {
      reject(signal.reason);
      connecting.then(late => late.release(true)).catch(() => {});
    };
    signal.addEventListener('abort', onAbort, { once: true });
    connecting.then(
      connected => {
        signal.removeEventListener('abort', onAbort);
        resolve(connected);
      },
      error => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });

  let broken = false;
  const onError = () => {
    broken = true;
  };
  client.on('error', onError);
  let released = false;
  const release = (destroy: boolean) => {
    if (released) return;
    released = true;
    if (destroy || broken) {
      // a destroyed connection may still report its end: keep listening
      client.release(true);
    } else {
      client.off('error', onError);
      client.release(false);
    }
  };
  const onAbort = () => release(true);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await fn(client);
    release(false);
    return result;
  } catch (error) {
    release(true); // after a timeout or a broken socket, do not reuse it
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
