import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  FailoverPreflightCheck,
  FailoverRequest,
  FailoverRun,
  FailoverStep,
} from '@meridian/plugin-regions-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import yaml from 'yaml';
import { createFailoverRunAction } from './failoverRun';
import { examples } from './failoverRun.examples';

const BASE_URL = 'http://127.0.0.1:7007/api/regions';
const OWNER = 'user:default/mock';

/*
 * A stand-in for the regions backend's failover API: it authenticates the
 * bearer token like the real backend, lets only OWNER run failovers (403
 * otherwise, with the backend's message), and answers each run's GETs with
 * the run's next recorded state, the way a run progresses between polls.
 */
const auth = mockServices.auth({ pluginId: 'scaffolder' });
const regionsBackendAuth = mockServices.auth({ pluginId: 'regions' });
const discovery = {
  getBaseUrl: async (pluginId: string) =>
    `http://127.0.0.1:7007/api/${pluginId}`,
  getExternalBaseUrl: async (pluginId: string) =>
    `http://localhost:7007/api/${pluginId}`,
};
const server = setupServer();
registerMswTestHooks(server);

let posted: Array<{ body: FailoverRequest; caller: string }>;
let states: Map<string, FailoverRun[]>;
let polls: Map<string, number>;
let nextRun: (request: FailoverRequest) => FailoverRun[];

async function caller(request: Request): Promise<string | undefined> {
  const token = request.headers.get('authorization')?.replace(/^Bearer /, '');
  const credentials = await regionsBackendAuth.authenticate(token ?? '');
  return regionsBackendAuth.isPrincipal(credentials, 'user')
    ? credentials.principal.userEntityRef
    : undefined;
}

beforeEach(() => {
  posted = [];
  states = new Map();
  polls = new Map();
  server.use(
    http.post(`${BASE_URL}/failovers`, async ({ request }) => {
      const user = await caller(request);
      const body = (await request.json()) as FailoverRequest;
      if (user !== OWNER) {
        return HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: `${user} may not run failovers of ${body.region}: regions.failover.run is granted to the region's owners`,
            },
          },
          { status: 403 },
        );
      }
      posted.push({ body, caller: user });
      const recorded = nextRun(body);
      const id = recorded[0].id;
      states.set(id, recorded);
      polls.set(id, 0);
      return HttpResponse.json(
        { id, status: recorded[0].status },
        { status: 202 },
      );
    }),
    http.get(`${BASE_URL}/failovers/:id`, async ({ request, params }) => {
      if ((await caller(request)) === undefined) {
        return HttpResponse.json(
          { error: { name: 'AuthenticationError', message: 'no user' } },
          { status: 401 },
        );
      }
      const recorded = states.get(params.id as string);
      if (!recorded) {
        return HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message: `No failover run ${params.id}`,
            },
          },
          { status: 404 },
        );
      }
      const n = polls.get(params.id as string)!;
      polls.set(params.id as string, n + 1);
      return HttpResponse.json(recorded[Math.min(n, recorded.length - 1)]);
    }),
  );
});

const TITLES: Record<FailoverStep['id'], string> = {
  preflight: 'Pre-flight checks',
  fence: 'Fence the old primary',
  promote: 'Promote the target',
  'switch-traffic': 'Switch traffic',
  verify: 'Verify',
  record: 'Record',
  approval: 'Approval by other owners',
  're-fence': 'Fence the old primary again',
  detected: 'Promotion observed',
};

const t0 = Date.parse('2026-09-30T12:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms).toISOString();

function step(
  id: FailoverStep['id'],
  status: FailoverStep['status'],
  window?: [number, number?],
  log: string[] = [],
  error?: string,
): FailoverStep {
  return {
    id,
    title: TITLES[id],
    status,
    startedAt: window ? at(window[0]) : null,
    finishedAt: window?.[1] !== undefined ? at(window[1]) : null,
    log: log.map((message, i) => ({ t: at((window?.[0] ?? 0) + i), message })),
    ...(error ? { error } : {}),
  };
}

const PASSED_CHECKS: FailoverPreflightCheck[] = [
  {
    id: 'replica-of-source',
    title: 'Target is a replica of the source',
    passed: true,
    detail: 'region:default/us-west replicates region:default/us-east',
    forcible: false,
  },
  {
    id: 'lag',
    title: 'Replication lag within the limit',
    passed: true,
    detail: 'lag 12 KiB ≤ limit 1 MiB',
    forcible: false,
  },
];

function run(
  request: FailoverRequest,
  fields: Partial<FailoverRun> & Pick<FailoverRun, 'status' | 'steps'>,
): FailoverRun {
  return {
    id: 'run-1',
    region: request.region,
    target: request.target,
    mode: request.mode,
    dryRun: request.dryRun ?? false,
    force: request.force ?? false,
    createdBy: OWNER,
    createdAt: at(0),
    finishedAt: null,
    preflight: [],
    rtoMs: null,
    dataLossBytes: null,
    resumes: 0,
    approvalsRequired: 0,
    approvals: [],
    ...fields,
  };
}

/** A switchover as it looks on three successive polls. */
function switchover(request: FailoverRequest): FailoverRun[] {
  return [
    run(request, {
      status: 'running',
      steps: [
        step('preflight', 'running', [0], ['target us-west-db is streaming']),
        step('fence', 'pending'),
        step('promote', 'pending'),
        step('switch-traffic', 'pending'),
        step('verify', 'pending'),
        step('record', 'pending'),
      ],
    }),
    run(request, {
      status: 'running',
      preflight: PASSED_CHECKS,
      steps: [
        step(
          'preflight',
          'succeeded',
          [0, 40],
          ['target us-west-db is streaming', 'lag 12 KiB ≤ limit 1 MiB'],
        ),
        step(
          'fence',
          'succeeded',
          [40, 190],
          ['us-east-db is read-only', 'final LSN 0/3000148'],
        ),
        step('promote', 'running', [190], ['waiting for replay ≥ 0/3000148']),
        step('switch-traffic', 'pending'),
        step('verify', 'pending'),
        step('record', 'pending'),
      ],
    }),
    run(request, {
      status: 'succeeded',
      finishedAt: at(900),
      preflight: PASSED_CHECKS,
      rtoMs: 612,
      dataLossBytes: 0,
      steps: [
        step(
          'preflight',
          'succeeded',
          [0, 40],
          ['target us-west-db is streaming', 'lag 12 KiB ≤ limit 1 MiB'],
        ),
        step(
          'fence',
          'succeeded',
          [40, 190],
          ['us-east-db is read-only', 'final LSN 0/3000148'],
        ),
        step(
          'promote',
          'succeeded',
          [190, 590],
          ['waiting for replay ≥ 0/3000148', 'pg_promote() returned true'],
        ),
        step(
          'switch-traffic',
          'succeeded',
          [590, 700],
          ['api.payments.example. A 10.49.0.10'],
        ),
        step(
          'verify',
          'succeeded',
          [700, 850],
          ['a write committed on us-west-db'],
        ),
        step('record', 'succeeded', [850, 900]),
      ],
    }),
  ];
}

function refused(request: FailoverRequest): FailoverRun[] {
  return [
    run(request, {
      status: 'refused',
      finishedAt: at(30),
      error: 'Pre-flight refused the run; nothing was changed.',
      preflight: [
        PASSED_CHECKS[0],
        {
          id: 'lag',
          title: 'Replication lag within the limit',
          passed: false,
          detail: 'lag 3.2 MiB > limit 1 MiB',
          forcible: false,
        },
        {
          id: 'readiness',
          title: 'Readiness gate',
          passed: false,
          detail: 'readiness 71 < threshold 94',
          forcible: true,
        },
      ],
      steps: [
        step(
          'preflight',
          'failed',
          [0, 30],
          ['lag 3.2 MiB > limit 1 MiB'],
          'lag 3.2 MiB > limit 1 MiB; readiness 71 < threshold 94',
        ),
        step('fence', 'skipped'),
        step('promote', 'skipped'),
        step('switch-traffic', 'skipped'),
        step('verify', 'skipped'),
        step('record', 'skipped'),
      ],
    }),
  ];
}

function drill(request: FailoverRequest): FailoverRun[] {
  return [
    run(request, {
      status: 'succeeded',
      finishedAt: at(35),
      preflight: PASSED_CHECKS,
      steps: [
        step('preflight', 'succeeded', [0, 35], ['lag 12 KiB ≤ limit 1 MiB']),
        step('fence', 'skipped'),
        step('promote', 'skipped'),
        step('switch-traffic', 'skipped'),
        step('verify', 'skipped'),
        step('record', 'skipped'),
      ],
    }),
  ];
}

function context(
  input: Record<string, unknown>,
  extra: Partial<ReturnType<typeof createMockActionContext>> = {},
) {
  const logger = mockServices.logger.mock();
  const ctx = {
    ...createMockActionContext({ input: input as any, logger }),
    ...extra,
  };
  const lines = () =>
    [...logger.info.mock.calls, ...logger.error.mock.calls].map(
      ([message]) => message as string,
    );
  return { ctx, lines };
}

const action = createFailoverRunAction({ discovery, auth, pollIntervalMs: 5 });

describe('meridian:failover:run', () => {
  it('starts a switchover as the initiating user, streams each step with its duration and outputs RTO and data loss', async () => {
    nextRun = switchover;
    const { ctx, lines } = context({
      region: 'region:default/us-east',
      target: 'us-west',
      mode: 'switchover',
    });

    await action.handler(ctx);

    expect(posted).toEqual([
      {
        caller: OWNER,
        body: {
          region: 'region:default/us-east',
          target: 'region:default/us-west',
          mode: 'switchover',
        },
      },
    ]);
    const log = lines();
    // Each step starts once, each log line appears once, in order.
    expect(log.filter(l => l === '▶ Pre-flight checks')).toHaveLength(1);
    expect(
      log.filter(
        l => l === '  Pre-flight checks: target us-west-db is streaming',
      ),
    ).toHaveLength(1);
    const expectedOrder = [
      '▶ Pre-flight checks',
      '  Pre-flight checks: lag 12 KiB ≤ limit 1 MiB',
      '✔ Pre-flight checks succeeded in 0.04 s',
      '▶ Fence the old primary',
      '  Fence the old primary: final LSN 0/3000148',
      '✔ Fence the old primary succeeded in 0.15 s',
      '  Promote the target: waiting for replay ≥ 0/3000148',
      '  Promote the target: pg_promote() returned true',
      '✔ Promote the target succeeded in 0.40 s',
      '  Switch traffic: api.payments.example. A 10.49.0.10',
      '✔ Switch traffic succeeded in 0.11 s',
      '✔ Verify succeeded in 0.15 s',
      '✔ Record succeeded in 0.05 s',
    ];
    const positions = expectedOrder.map(l => log.indexOf(l));
    expect(positions).not.toContain(-1);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(log.at(-1)).toContain('RTO 0.61 s, data loss 0 bytes');

    expect(ctx.output).toHaveBeenCalledWith('runId', 'run-1');
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
    expect(ctx.output).toHaveBeenCalledWith('rtoMs', 612);
    expect(ctx.output).toHaveBeenCalledWith('dataLossBytes', 0);
    expect(polls.get('run-1')).toBeGreaterThanOrEqual(3);
  });

  it('fails with the run error and every failed pre-flight check when the run is refused', async () => {
    nextRun = refused;
    const { ctx, lines } = context({
      region: 'region:default/us-east',
      target: 'region:default/us-west',
      mode: 'switchover',
    });

    const outcome = action.handler(ctx);

    await expect(outcome).rejects.toThrow(
      'Failover run run-1 (switchover of region:default/us-east to region:default/us-west) refused: Pre-flight refused the run; nothing was changed. Failed pre-flight checks: Replication lag within the limit — lag 3.2 MiB > limit 1 MiB; Readiness gate — readiness 71 < threshold 94 (force may override)',
    );
    expect(lines()).toContain(
      '✖ Pre-flight checks failed after 0.03 s: lag 3.2 MiB > limit 1 MiB; readiness 71 < threshold 94',
    );
    expect(ctx.output).toHaveBeenCalledWith('runId', 'run-1');
    expect(ctx.output).not.toHaveBeenCalledWith('rtoMs', expect.anything());
  });

  it("surfaces the backend's 403 when the user does not own the region, and starts nothing", async () => {
    nextRun = switchover;
    const outsider = mockCredentials.user('user:default/outsider');
    const { ctx } = context(
      {
        region: 'region:default/us-east',
        target: 'region:default/us-west',
        mode: 'failover',
      },
      { getInitiatorCredentials: async () => outsider },
    );

    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        "The regions backend did not start the failover of region:default/us-east to region:default/us-west: user:default/outsider may not run failovers of region:default/us-east: regions.failover.run is granted to the region's owners (HTTP 403)",
    });
    expect(posted).toEqual([]);
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it("surfaces the backend's 409 when a run is already in progress for the region", async () => {
    server.use(
      http.post(`${BASE_URL}/failovers`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message:
                'Failover run run-0 of region:default/us-east is still running',
            },
          },
          { status: 409 },
        ),
      ),
    );
    const { ctx } = context({
      region: 'region:default/us-east',
      target: 'region:default/us-west',
      mode: 'switchover',
    });

    await expect(action.handler(ctx)).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'Failover run run-0 of region:default/us-east is still running (HTTP 409)',
      ),
    });
  });

  it('in a scaffolder dry run asks for the pre-flight checks only and says so', async () => {
    nextRun = drill;
    const { ctx, lines } = context(
      {
        region: 'region:default/us-east',
        target: 'region:default/us-west',
        mode: 'switchover',
      },
      { isDryRun: true },
    );

    await action.handler(ctx);

    expect(posted.map(p => p.body)).toEqual([
      {
        region: 'region:default/us-east',
        target: 'region:default/us-west',
        mode: 'switchover',
        dryRun: true,
      },
    ]);
    expect(lines()[0]).toContain(
      'Dry run: starting switchover of region:default/us-east to region:default/us-west with dryRun: true — only the pre-flight checks run',
    );
    expect(lines()).toContain('– Fence the old primary: skipped');
    expect(lines().at(-1)).toContain('Nothing was changed.');
    expect(ctx.output).toHaveBeenCalledWith('rtoMs', null);
    expect(ctx.output).toHaveBeenCalledWith('dataLossBytes', null);
  });

  it('does not start a second run when a recovered task replays its checkpoint', async () => {
    nextRun = switchover;
    const checkpoints = new Map<string, unknown>();
    const checkpoint = async ({ key, fn }: { key: string; fn: () => any }) => {
      if (!checkpoints.has(key)) checkpoints.set(key, await fn());
      return checkpoints.get(key) as any;
    };
    const input = {
      region: 'region:default/us-east',
      target: 'region:default/us-west',
      mode: 'switchover',
    };

    await action.handler(context(input, { checkpoint }).ctx);
    const recovered = context(input, { checkpoint });
    await action.handler(recovered.ctx);

    expect(posted).toHaveLength(1);
    expect([...checkpoints.keys()]).toEqual([
      'failover-start-region:default/us-east-region:default/us-west-switchover',
    ]);
    expect(recovered.ctx.output).toHaveBeenCalledWith('runId', 'run-1');
    expect(recovered.ctx.output).toHaveBeenCalledWith('rtoMs', 612);
  });

  it.each([
    [
      { region: 'component:default/web', target: 'region:default/us-west' },
      'region "component:default/web" must refer to a Region, not a component',
    ],
    [
      { region: 'region:default/us-east', target: 'region:default/' },
      'target "region:default/" is not an entity ref',
    ],
    [
      { region: 'region:default/us-east', target: 'us-east' },
      'target "us-east" is the region itself',
    ],
    [
      {
        region: 'region:default/us-east',
        target: 'region:default/us-west',
        mode: 'takeover',
      },
      'mode "takeover" is not one of drill, switchover, failover',
    ],
  ])(
    'refuses %j with an error naming the field and sends nothing',
    async (fields, message) => {
      nextRun = switchover;
      const { ctx } = context({ mode: 'drill', ...fields });

      await expect(action.handler(ctx)).rejects.toThrow(message);
      expect(posted).toEqual([]);
    },
  );

  it('runs the documented examples that name their regions', async () => {
    nextRun = drill;
    const literal = examples
      .map(e => yaml.parse(e.example).steps[0].input)
      .filter(input => !String(input.region).includes('${{'));
    expect(literal).toHaveLength(2);
    for (const input of literal) {
      await action.handler(context(input).ctx);
    }
    expect(posted.map(p => p.body)).toEqual([
      {
        region: 'region:default/us-east',
        target: 'region:default/us-west',
        mode: 'drill',
      },
      {
        region: 'region:default/us-east',
        target: 'region:default/us-west',
        mode: 'failover',
        force: true,
      },
    ]);
  });
});
