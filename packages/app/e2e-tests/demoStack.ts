/*
 * Where the first command's stack (scripts/start.sh) listens in its
 * end-to-end test (playwright.demo.config.ts): ports of its own, so that it
 * runs beside a portal already started.
 */
export const DEMO_PORTS = {
  app: 3931,
  backend: 7931,
  dns: 5954,
  pdnsApi: 8981,
  usEast: 25932,
  usWest: 25933,
  studioPrimary: 25934,
  studioSul: 25935,
  prometheus: 29990,
  opencost: 29903,
  exporters: [29987, 29988],
};

export const demoBackendUrl = `http://localhost:${DEMO_PORTS.backend}`;
