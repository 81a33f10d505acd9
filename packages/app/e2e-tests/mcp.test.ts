import { APIRequestContext, expect, test } from '@playwright/test';
import { ensureStreamingPair, runFailover } from './pair';
import { backendUrl, guestHeaders } from './stack';

/*
 * The regions actions as an AI agent sees them: through the MCP endpoint of
 * the backend's mcp-actions plugin (streamable HTTP, stateless), signed in
 * with the guest user's token.
 */

const MCP_URL = `${backendUrl}/api/mcp-actions/v1`;

type Takeover = {
  region: string;
  canTakeOver: boolean;
  verdict: string;
  blockers: string[];
  replication: { observedRole: string; source: string | null };
  readiness: { score: number; threshold: number; ready: boolean };
};

/** One JSON-RPC call; the answer comes as JSON or as one server-sent event. */
async function mcp(
  request: APIRequestContext,
  headers: Record<string, string>,
  method: string,
  params: Record<string, unknown>,
) {
  const res = await request.post(MCP_URL, {
    headers: {
      ...headers,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    },
    data: { jsonrpc: '2.0', id: 1, method, params },
  });
  const text = await res.text();
  expect(res.status(), text).toBe(200);
  const json = text.startsWith('{')
    ? text
    : text
        .split('\n')
        .filter(line => line.startsWith('data: '))
        .map(line => line.slice('data: '.length))
        .join('');
  const body = JSON.parse(json);
  expect(body.error, json).toBeUndefined();
  return body.result;
}

async function callTool<T>(
  request: APIRequestContext,
  headers: Record<string, string>,
  name: string,
  args: Record<string, unknown>,
): Promise<T> {
  const result = await mcp(request, headers, 'tools/call', {
    name,
    arguments: args,
  });
  expect(result.isError ?? false, JSON.stringify(result)).toBe(false);
  // the same output as structured content and as the text an agent reads
  expect(JSON.parse(result.content[0].text)).toEqual(result.structuredContent);
  return result.structuredContent as T;
}

/** Which node is the primary now: a failover test may have switched them. */
async function currentPair(
  request: APIRequestContext,
  headers: Record<string, string>,
) {
  // a switchover earlier in the run leaves the old primary fenced
  await ensureStreamingPair(request);
  const status: Record<string, Takeover> = {};
  for (const name of ['us-east', 'us-west']) {
    await expect
      .poll(
        async () => {
          status[name] = await callTool<Takeover>(
            request,
            headers,
            'regions.get-region-takeover-status',
            { region: name },
          );
          return status[name].replication.observedRole;
        },
        { timeout: 60_000 },
      )
      .toMatch(/^(primary|standby)$/);
  }
  const primary =
    status['us-east'].replication.observedRole === 'primary'
      ? 'us-east'
      : 'us-west';
  const standby = primary === 'us-east' ? 'us-west' : 'us-east';
  return { primary, standby, status };
}

test('the MCP endpoint lists the regions actions to an agent', async ({
  request,
}) => {
  const headers = await guestHeaders(request);
  const { tools } = await mcp(request, headers, 'tools/list', {});
  const names = tools.map((tool: { name: string }) => tool.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'regions.get-region-takeover-status',
      'regions.get-failover-run',
      'regions.start-region-failover',
    ]),
  );
  const takeover = tools.find(
    (tool: { name: string }) =>
      tool.name === 'regions.get-region-takeover-status',
  );
  expect(takeover.inputSchema.required).toEqual(['region']);
});

test('get-region-takeover-status answers over MCP whether the real standby can take over, and why', async ({
  request,
}) => {
  const headers = await guestHeaders(request);
  const { primary, standby, status } = await currentPair(request, headers);

  const answer = status[standby];
  expect(answer.region).toBe(`region:default/${standby}`);
  expect(answer.replication.observedRole).toBe('standby');
  // the source is read from the node: whichever the standby really streams from
  expect(answer.replication.source).toBe(`region:default/${primary}`);
  // it can take over exactly when nothing blocks it, and the verdict says which
  expect(answer.canTakeOver).toBe(answer.blockers.length === 0);
  // not ready is a blocker naming the score against the threshold
  const readinessBlocker =
    answer.blockers.find((b: string) => b.startsWith('readiness ')) ?? '';
  expect(readinessBlocker).toMatch(
    answer.readiness.ready
      ? /^$/
      : new RegExp(
          `^readiness ${Number(answer.readiness.score.toFixed(1))
            .toString()
            .replace('.', '\\.')} < threshold ${
            answer.readiness.threshold
          }( \\(failed: .+\\))?$`,
        ),
  );
  expect(answer.verdict).toMatch(
    answer.canTakeOver
      ? new RegExp(`^${standby} can take over: `)
      : new RegExp(
          `^${standby} cannot take over: ${answer.blockers
            .join('; ')
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
        ),
  );

  // the primary is no standby, and the answer says so
  expect(status[primary].canTakeOver).toBe(false);
  expect(status[primary].blockers[0]).toMatch(
    /^its node is a primary, not a standby \(it declares (primary|warm-standby)\)$/,
  );
});

test('get-failover-run answers over MCP the drill a user just started', async ({
  request,
}) => {
  const headers = await guestHeaders(request);
  const { primary, standby } = await currentPair(request, headers);

  const rest = await runFailover(request, headers, {
    region: `region:default/${primary}`,
    target: `region:default/${standby}`,
    mode: 'drill',
  });
  expect(rest.status).toMatch(/^(succeeded|refused|failed)$/);
  const { id } = rest;

  const run = await callTool<any>(
    request,
    headers,
    'regions.get-failover-run',
    {
      runId: id,
    },
  );
  expect(run).toMatchObject({
    id,
    mode: 'drill',
    region: `region:default/${primary}`,
    target: `region:default/${standby}`,
    status: rest.status,
    createdBy: 'user:default/guest',
    dryRun: false,
  });
  // the pre-flight verdicts the portal shows, check by check
  expect(
    run.preflight.map((c: { id: string; passed: boolean }) => [c.id, c.passed]),
  ).toEqual(
    rest.preflight.map((c: { id: string; passed: boolean }) => [
      c.id,
      c.passed,
    ]),
  );
  // a drill changes nothing: nothing was fenced, promoted or switched
  const changed = run.steps.filter(
    (s: { id: string; status: string }) =>
      ['fence', 'promote', 'switch-traffic'].includes(s.id) &&
      s.status === 'succeeded',
  );
  expect(changed).toEqual([]);

  // an id that is no run is an error the agent can read
  const missing = await mcp(request, headers, 'tools/call', {
    name: 'regions.get-failover-run',
    arguments: { runId: 'no-such-run' },
  });
  expect(missing.isError).toBe(true);
  expect(missing.content[0].text).toContain('no-such-run');
});
