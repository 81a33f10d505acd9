/*
 * The test's own HTTP server for the entity files it registers in the
 * catalog: on 127.0.0.1 under /meridian-e2e/, which app-config.e2e.yaml's
 * backend.reading.allow lets the catalog read. A file can be changed while
 * served, as an owner fixes a catalog-info.yaml in their repository.
 */
import { APIRequestContext, expect } from '@playwright/test';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { backendUrl } from './stack';

export interface EntityServer {
  /** The URL at which `file` is served. */
  url(file: string): string;
  /** Serves `yaml` as `file` from now on. */
  put(file: string, yaml: string): void;
  close(): Promise<void>;
}

export async function startEntityServer(): Promise<EntityServer> {
  const files = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://entities').pathname;
    const file = files.get(path.replace(/^\/meridian-e2e\//, ''));
    if (req.method !== 'GET' || file === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/yaml' }).end(file);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: file => `http://127.0.0.1:${port}/meridian-e2e/${file}`,
    put: (file, yaml) => files.set(file, yaml),
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

/** Registers a URL location as "Register existing component" does; answers its id. */
export async function registerLocation(
  request: APIRequestContext,
  headers: Record<string, string>,
  target: string,
): Promise<string> {
  const res = await request.post(`${backendUrl}/api/catalog/locations`, {
    headers,
    data: { type: 'url', target },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).location.id;
}

/** Removes a location and the entities it brought in. */
export async function removeLocation(
  request: APIRequestContext,
  headers: Record<string, string>,
  id: string,
) {
  const res = await request.delete(
    `${backendUrl}/api/catalog/locations/${id}`,
    {
      headers,
    },
  );
  expect(res.status(), await res.text()).toBe(204);
}
