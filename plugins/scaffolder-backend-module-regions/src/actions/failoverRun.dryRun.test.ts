// The action drives the real regions plugin failing over a real PostgreSQL pair.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  applicationWrite,
  eventually,
  inRecovery,
  PostgresPair,
  startPostgresPair,
  useLabPair,
  writtenByTheApplication,
} from '@meridian/plugin-regions-backend/testUtils';
import yaml from 'yaml';
import { actionContext, checkpointState } from '../__testUtils__/actionContext';
import {
  ADDRESSES,
  OTHER_OWNER,
  OWNER,
  startFailoverBackend,
  US_EAST,
  US_WEST,
} from '../__testUtils__/failoverBackend';
import { createFailoverRunAction } from './failoverRun';
import { examples } from './failoverRun.examples';

/*
 * meridian:failover:run against the real regions backend on a real
 * PostgreSQL pair, continued from failoverRun.test.ts: a scaffolder dry run,
 * a task recovered after it started its run, and the documented examples.
 */

jest.setTimeout(120_000);

type Backend = Awaited<ReturnType<typeof startFailoverBackend>>;

const actionFor = (backend: Backend) =>
  createFailoverRunAction({ ...backend.options, pollIntervalMs: 50 });

/** us-east takes the application's writes, us-west streams from it, traffic goes to us-east. */
async function expectUnchanged(pair: PostgresPair, backend: Backend) {
  expect(await inRecovery(pair.standby)).toBe(true);
  expect(await applicationWrite(pair.primary)).toBe('committed');
  expect(backend.traffic()).toEqual([ADDRESSES[US_EAST]]);
}

/** us-west takes the application's writes, us-east (fenced) none, traffic goes to us-west. */
async function expectFailedOver(pair: PostgresPair, backend: Backend) {
  expect(await inRecovery(pair.standby)).toBe(false);
  expect(await applicationWrite(pair.standby)).toBe('committed');
  expect(await applicationWrite(pair.primary)).toBe('28000');
  expect(backend.traffic()).toEqual([ADDRESSES[US_WEST]]);
}

describe('meridian:failover:run against the real regions backend', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (stops.length) await stops.pop()!();
  });
  async function backendOn(pair: PostgresPair) {
    const backend = await startFailoverBackend(pair);
    stops.push(backend.stop);
    return backend;
  }
  /** A pair of its own, for a test that fails it over; stopped after the test. */
  async function freshPair() {
    const pair = await startPostgresPair({ names: ['east', 'west'] });
    stops.push(() => pair.stop());
    await writtenByTheApplication(pair.primary);
    await pair.waitForCatchUp();
    return pair;
  }

  describe('on a pair the tests leave as it is', () => {
    const pairOf = useLabPair();

    it('in a scaffolder dry run has the backend run the pre-flight checks only, says so, and changes nothing', async () => {
      const pair = pairOf();
      const backend = await backendOn(pair);
      const { ctx, lines } = actionContext(
        {
          region: 'region:default/us-east',
          target: 'region:default/us-west',
          mode: 'switchover',
        },
        { isDryRun: true },
      );

      await actionFor(backend).handler(ctx);

      const [run] = await backend.runsOf(US_EAST);
      expect(run).toMatchObject({
        mode: 'switchover',
        dryRun: true,
        status: 'succeeded',
        createdBy: OWNER,
        rtoMs: null,
        dataLossBytes: null,
      });
      expect(run.steps.map(step => [step.id, step.status])).toEqual([
        ['preflight', 'succeeded'],
        ['fence', 'skipped'],
        ['promote', 'skipped'],
        ['switch-traffic', 'skipped'],
        ['verify', 'skipped'],
        ['record', 'skipped'],
      ]);
      const log = lines();
      expect(log[0]).toBe(
        'Dry run: starting switchover of region:default/us-east to region:default/us-west with dryRun: true — only the pre-flight checks run, nothing is fenced, promoted or switched.',
      );
      expect(log).toEqual(
        expect.arrayContaining([
          '– Fence the old primary: skipped',
          '– Promote the target: skipped',
          '– Switch traffic: skipped',
        ]),
      );
      expect(log.at(-1)).toBe(
        'Pre-flight passed: a switchover of region:default/us-east to region:default/us-west could run now. Nothing was changed.',
      );
      expect(ctx.output).toHaveBeenCalledWith('runId', run.id);
      expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
      expect(ctx.output).toHaveBeenCalledWith('rtoMs', null);
      expect(ctx.output).toHaveBeenCalledWith('dataLossBytes', null);
      await expectUnchanged(pair, backend);
    });

    it('does not start a second run when a recovered task replays its checkpoint, and reports the run it started', async () => {
      const pair = pairOf();
      const backend = await backendOn(pair);
      const input = {
        region: 'region:default/us-east',
        target: 'region:default/us-west',
        mode: 'drill',
      };
      const { state, checkpoint } = checkpointState();
      await actionFor(backend).handler(
        actionContext(input, { checkpoint }).ctx,
      );
      const [started] = await backend.runsOf(US_EAST);
      expect([...state]).toEqual([
        [
          'failover-start-region:default/us-east-region:default/us-west-drill',
          { id: started.id, status: 'pending' },
        ],
      ]);

      // the task is recovered with the state its checkpoints left
      const recovered = actionContext(input, {
        checkpoint: checkpointState(new Map(state)).checkpoint,
      });
      await actionFor(backend).handler(recovered.ctx);

      expect((await backend.runsOf(US_EAST)).map(run => run.id)).toEqual([
        started.id,
      ]);
      expect(recovered.ctx.output).toHaveBeenCalledWith('runId', started.id);
      expect(recovered.ctx.output).toHaveBeenCalledWith('status', 'succeeded');
      expect(recovered.lines()).toContain(
        `Failover run ${started.id} is pending`,
      );
      expect(recovered.lines().at(-1)).toBe(
        'Pre-flight passed: a drill of region:default/us-east to region:default/us-west could run now. Nothing was changed.',
      );
    });

    it('runs the drill example, changing nothing', async () => {
      const pair = pairOf();
      const backend = await backendOn(pair);
      const [input] = exampleInputs('drill');

      await actionFor(backend).handler(actionContext(input).ctx);

      expect(await backend.runsOf(US_EAST)).toMatchObject([
        {
          mode: 'drill',
          status: 'succeeded',
          region: US_EAST,
          target: US_WEST,
        },
      ]);
      await expectUnchanged(pair, backend);
    });
  });

  it('runs the switchover example from the template form, with its parameters filled in', async () => {
    const pair = await freshPair();
    const backend = await backendOn(pair);
    const [input] = exampleInputs('switchover', {
      region: 'region:default/us-east',
      target: 'region:default/us-west',
    });

    await actionFor(backend).handler(actionContext(input).ctx);

    expect(await backend.runsOf(US_EAST)).toMatchObject([
      { mode: 'switchover', status: 'succeeded', dataLossBytes: 0 },
    ]);
    await expectFailedOver(pair, backend);
  });

  it('runs the emergency failover example, forced, once another owner approves it', async () => {
    const pair = await freshPair();
    const backend = await backendOn(pair);
    const [input] = exampleInputs('failover');
    const { ctx } = actionContext(input);

    const done = actionFor(backend).handler(ctx);
    // an emergency failover waits for another owner's approval (one by default)
    const id = await eventually(
      async () =>
        (ctx.output as jest.Mock).mock.calls.find(
          ([name]) => name === 'runId',
        )?.[1] as string | undefined,
      { timeoutMs: 30_000, what: 'run id output by the action' },
    );
    await backend.until(id, 'awaiting-approval');
    const approved = await backend.call('POST', `/failovers/${id}/approve`, {
      user: OTHER_OWNER,
      body: {},
    });
    expect(approved.status).toBe(202);
    await done;

    expect(await backend.runsOf(US_EAST)).toMatchObject([
      {
        id,
        mode: 'failover',
        force: true,
        status: 'succeeded',
        createdBy: OWNER,
        approvals: [{ by: OTHER_OWNER }],
      },
    ]);
    expect(ctx.output).toHaveBeenCalledWith('status', 'succeeded');
    await expectFailedOver(pair, backend);
  });
});

/**
 * The inputs of the documented examples of `mode`, with the template's
 * parameters filled in as the scaffolder would.
 */
function exampleInputs(mode: string, parameters: Record<string, string> = {}) {
  // one example of each mode, each run by a test of its own here
  expect(examples.map(e => yaml.parse(e.example).steps[0].input.mode)).toEqual([
    'drill',
    'switchover',
    'failover',
  ]);
  const inputs = examples
    .map(
      example =>
        yaml.parse(example.example).steps[0].input as Record<string, unknown>,
    )
    .filter(input => input.mode === mode)
    .map(input =>
      Object.fromEntries(
        Object.entries(input).map(([key, value]) => [
          key,
          typeof value === 'string'
            ? value.replace(
                /\$\{\{\s*parameters\.(\w+)\s*\}\}/g,
                (_, name) => parameters[name],
              )
            : value,
        ]),
      ),
    );
  expect(inputs).toHaveLength(1);
  return inputs;
}
