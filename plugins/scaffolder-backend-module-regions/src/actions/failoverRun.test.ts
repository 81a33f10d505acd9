import { mockCredentials } from '@backstage/backend-test-utils';
// The action drives the real regions plugin failing over a real PostgreSQL pair.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  applicationWrite,
  inRecovery,
  PostgresPair,
  startPostgresPair,
  timelineOf,
  useLabPair,
  writtenByTheApplication,
} from '@meridian/plugin-regions-backend/testUtils';
import { FailoverRun, FailoverStep } from '@meridian/plugin-regions-common';
import { actionContext } from '../__testUtils__/actionContext';
import {
  ADDRESSES,
  OTHER_OWNER,
  OWNER,
  startFailoverBackend,
  US_EAST,
  US_WEST,
} from '../__testUtils__/failoverBackend';
import { createFailoverRunAction } from './failoverRun';

/*
 * meridian:failover:run against the real regions backend plugin (its router,
 * permission rule, pre-flight and orchestrator) failing over a real
 * PostgreSQL pair: each test asserts what the task shows the user and what
 * the nodes say afterwards. The dry run, a recovered task and the documented
 * examples are in failoverRun.dryRun.test.ts.
 */

jest.setTimeout(120_000);

type Backend = Awaited<ReturnType<typeof startFailoverBackend>>;

const actionFor = (backend: Backend) =>
  createFailoverRunAction({ ...backend.options, pollIntervalMs: 50 });

/** How the action writes a step's duration. */
const took = (step: FailoverStep) =>
  `${(
    (Date.parse(step.finishedAt!) - Date.parse(step.startedAt!)) /
    1000
  ).toFixed(2)} s`;

/** us-east takes the application's writes, us-west streams from it, traffic goes to us-east. */
async function expectUnchanged(pair: PostgresPair, backend: Backend) {
  expect(await inRecovery(pair.standby)).toBe(true);
  expect(await applicationWrite(pair.primary)).toBe('committed');
  expect(backend.traffic()).toEqual([ADDRESSES[US_EAST]]);
}

describe('meridian:failover:run against the real regions backend', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (stops.length) await stops.pop()!();
  });
  async function backendOn(
    pair: PostgresPair,
    options?: Parameters<typeof startFailoverBackend>[1],
  ) {
    const backend = await startFailoverBackend(pair, options);
    stops.push(backend.stop);
    return backend;
  }

  describe('switching over a pair of its own', () => {
    let pair: PostgresPair | undefined;
    afterAll(async () => {
      await pair?.stop();
    });

    it('switches over as the initiating user, streams each step with its duration, outputs RTO and data loss, and leaves one writable primary: us-west', async () => {
      pair = await startPostgresPair({ names: ['east', 'west'] });
      await writtenByTheApplication(pair.primary);
      await pair.waitForCatchUp();
      const backend = await backendOn(pair);
      const { ctx, lines } = actionContext({
        region: 'region:default/us-east',
        target: 'us-west',
        mode: 'switchover',
      });

      await actionFor(backend).handler(ctx);

      const runs = await backend.runsOf(US_EAST);
      expect(runs).toHaveLength(1);
      const run: FailoverRun = runs[0];
      expect(run).toMatchObject({
        region: US_EAST,
        target: US_WEST,
        mode: 'switchover',
        dryRun: false,
        force: false,
        status: 'succeeded',
        createdBy: OWNER,
        dataLossBytes: 0,
        rtoMs: expect.any(Number),
      });
      expect(run.steps.map(step => [step.id, step.status])).toEqual([
        ['preflight', 'succeeded'],
        ['fence', 'succeeded'],
        ['promote', 'succeeded'],
        ['switch-traffic', 'succeeded'],
        ['verify', 'succeeded'],
        ['record', 'succeeded'],
      ]);
      // Each step once, in the order the run took it: its start, every line
      // of its log, its end with the duration the backend recorded.
      const streamed = run.steps.flatMap(step => [
        `▶ ${step.title}`,
        ...step.log.map(line => `  ${step.title}: ${line.message}`),
        `✔ ${step.title} succeeded in ${took(step)}`,
      ]);
      const log = lines();
      expect(log.filter(line => streamed.includes(line))).toEqual(streamed);
      for (const check of run.preflight) {
        expect(log).toContain(
          `  pre-flight passed: ${check.title} — ${check.detail}`,
        );
      }
      expect(log.at(-1)).toBe(
        `region:default/us-west now takes the writes that went to region:default/us-east: RTO ${(
          run.rtoMs! / 1000
        ).toFixed(2)} s, data loss 0 bytes`,
      );
      expect(ctx.output).toHaveBeenCalledWith('runId', run.id);
      expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
      expect(ctx.output).toHaveBeenCalledWith('rtoMs', run.rtoMs);
      expect(ctx.output).toHaveBeenCalledWith('dataLossBytes', 0);

      // us-west is promoted (timeline 2) and takes the application's writes;
      // us-east, fenced, takes none: never two writable primaries.
      expect(await inRecovery(pair.standby)).toBe(false);
      expect(await timelineOf(pair.standby)).toBe(2);
      expect(await applicationWrite(pair.standby)).toBe('committed');
      expect(await applicationWrite(pair.primary)).toBe('28000'); // its roles may not log in
      expect(
        await pair.query(pair.primary, 'SHOW default_transaction_read_only'),
      ).toEqual([{ default_transaction_read_only: 'on' }]);
      expect(backend.traffic()).toEqual([ADDRESSES[US_WEST]]);
    });
  });

  describe('on a pair the tests leave as it is', () => {
    const pairOf = useLabPair();

    it('fails with the run error and every failed pre-flight check when the backend refuses the run, changing nothing', async () => {
      const pair = pairOf();
      // the default readiness threshold: the test regions are not production-ready
      const backend = await backendOn(pair, { readinessThreshold: 94 });
      // us-west is the standby: it cannot be failed over to the primary
      const { ctx, lines } = actionContext({
        region: 'region:default/us-west',
        target: 'region:default/us-east',
        mode: 'switchover',
      });

      const error = await actionFor(backend)
        .handler(ctx)
        .then(
          () => undefined,
          failure => failure as Error,
        );

      const [run] = await backend.runsOf(US_WEST);
      expect(run).toMatchObject({ status: 'refused', createdBy: OWNER });
      // the run's error names each check that refused it, as the backend judged them
      expect(error?.message).toMatch(
        new RegExp(
          `^Failover run ${
            run.id
          } \\(switchover of region:default/us-west to region:default/us-east\\) refused, nothing changed: ${[
            'Target is a healthy standby: us-east-db is not in recovery: it is already a primary',
            'Region is the primary: us-west-db is in recovery: it is not the primary',
            'Target is production-ready: region:default/us-east scores \\d+(\\.\\d)? < threshold 94 \\(force overrides it\\)',
          ].join('; ')}$`,
        ),
      );
      expect(error?.message).toContain(run.error!.replace(/\.$/, ''));
      const log = lines();
      expect(log).toEqual(
        expect.arrayContaining([
          '  pre-flight FAILED: Target is a healthy standby — us-east-db is not in recovery: it is already a primary',
          '  pre-flight FAILED: Region is the primary — us-west-db is in recovery: it is not the primary',
          expect.stringMatching(
            /^ {2}pre-flight FAILED: Target is production-ready — region:default\/us-east scores [\d.]+ < threshold 94$/,
          ),
          expect.stringMatching(
            /^✖ Pre-flight checks failed after [\d.]+ s: 3 of \d+ checks refuse the run: Target is a healthy standby, Region is the primary, Target is production-ready$/,
          ),
          '– Fence the old primary: skipped',
          '– Promote the target: skipped',
          '– Switch traffic: skipped',
        ]),
      );
      expect(ctx.output).toHaveBeenCalledTimes(1);
      expect(ctx.output).toHaveBeenCalledWith('runId', run.id);
      await expectUnchanged(pair, backend);
    });

    it("surfaces the backend's 403 when the initiating user does not own the regions, and starts nothing", async () => {
      const pair = pairOf();
      const backend = await backendOn(pair);
      const { ctx } = actionContext(
        {
          region: 'region:default/us-east',
          target: 'region:default/us-west',
          mode: 'switchover',
        },
        {
          getInitiatorCredentials: async () =>
            mockCredentials.user('user:default/outsider'),
        },
      );

      await expect(actionFor(backend).handler(ctx)).rejects.toMatchObject({
        name: 'NotAllowedError',
        message:
          "The regions backend did not start the switchover of region:default/us-east to region:default/us-west: you may not run a failover of region:default/us-east and region:default/us-west: it needs the permission regions.failover.run on both regions (given to the regions' owners) (HTTP 403)",
      });
      expect(ctx.output).not.toHaveBeenCalled();
      expect(await backend.activeRuns()).toEqual([]);
      expect(await backend.runsOf(US_EAST)).toEqual([]);
      expect(await backend.runsOf(US_WEST)).toEqual([]);
      await expectUnchanged(pair, backend);
    });

    it("surfaces the backend's 409 while another run holds the region, and starts nothing", async () => {
      const pair = pairOf();
      const backend = await backendOn(pair);
      // another owner's emergency failover waits for an approval (one by default)
      const held = await backend.call('POST', '/failovers', {
        user: OTHER_OWNER,
        body: { region: US_EAST, target: US_WEST, mode: 'failover' },
      });
      expect(held.status).toBe(202);
      await backend.until(held.body.id, 'awaiting-approval');
      const { ctx } = actionContext({
        region: 'region:default/us-east',
        target: 'region:default/us-west',
        mode: 'switchover',
      });

      await expect(actionFor(backend).handler(ctx)).rejects.toMatchObject({
        name: 'ConflictError',
        // the backend names the region or the node the held run holds
        message: expect.stringMatching(
          new RegExp(
            `^The regions backend did not start the switchover of region:default/us-east to region:default/us-west: failover run ${held.body.id} is in progress for (region:default/us-(east|west)|database:us-(east|west)-db); wait for it to finish \\(HTTP 409\\)$`,
          ),
        ),
      });
      expect(ctx.output).not.toHaveBeenCalled();
      expect((await backend.runsOf(US_EAST)).map(run => run.id)).toEqual([
        held.body.id,
      ]);

      const cancelled = await backend.call(
        'POST',
        `/failovers/${held.body.id}/cancel`,
        { user: OTHER_OWNER, body: {} },
      );
      expect(cancelled.status).toBe(202);
      await backend.until(held.body.id, 'cancelled');
      await expectUnchanged(pair, backend);
    });
  });

  describe('refuses input that names no failover, and calls no backend', () => {
    const action = createFailoverRunAction({
      discovery: {
        getBaseUrl: async () => {
          throw new Error('the action called the regions backend');
        },
        getExternalBaseUrl: async () => {
          throw new Error('the action called the regions backend');
        },
      },
      auth: {} as any,
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
    ])('%j', async (fields, message) => {
      const { ctx } = actionContext({ mode: 'drill', ...fields });

      await expect(action.handler(ctx)).rejects.toThrow(message);
      expect(ctx.output).not.toHaveBeenCalled();
    });
  });
});
