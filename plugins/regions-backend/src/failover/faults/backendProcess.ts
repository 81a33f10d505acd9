/*
 * One backend instance's failover in a process of its own, for the fault
 * tests that kill it (SIGKILL) in the middle of a run. It connects to the
 * shared PostgreSQL database given on its command line, starts or resumes a
 * run, prints `RUN <id>`, then `STEP <step> <status>` whenever a step's
 * status changes (as stored), and exits once the run ends.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs backendProcess.ts '<json>'
 *
 * where the JSON is a {@link BackendProcessInput}.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/config';
import { FailoverRun, RegionEntity } from '@meridian/plugin-regions-common';
import knexFactory, { Knex } from 'knex';
import { builtInTrafficSwitchFactories } from '../traffic';
import { FailoverStart } from '../FailoverOrchestrator';
import { createFailoverStack } from '../testing/failoverStack';

/** What the process is told to do. */
export interface BackendProcessInput {
  /** knex's `connection` for the shared plugin database. */
  database: Knex.PgConnectionConfig | string;
  regions: RegionEntity[];
  config: JsonObject;
  start?: FailoverStart;
  resume?: string;
}

const logger: LoggerService = {
  error: message => console.error(message),
  warn: message => console.error(message),
  info: message => console.error(message),
  debug: () => {},
  child: () => logger,
};

async function main(input: BackendProcessInput) {
  const knex = knexFactory({ client: 'pg', connection: input.database });
  const stack = await createFailoverStack({
    knex,
    regions: input.regions,
    config: input.config,
    trafficFactories: builtInTrafficSwitchFactories,
    logger,
  });
  const run = input.resume
    ? await stack.orchestrator.resume(input.resume, 'user:default/restarted')
    : await stack.orchestrator.start(input.start!, 'user:default/priya.nair');
  console.log(`RUN ${run.id}`);
  const finished = stack.orchestrator.whenFinished(run.id);
  await printStepProgress(stack.store, run.id, finished);
  await stack.close();
  await knex.destroy();
}

/** Prints each change of a step's stored status until `finished` settles. */
async function printStepProgress(
  store: { getRun(id: string): Promise<FailoverRun | undefined> },
  id: string,
  finished: Promise<unknown>,
) {
  let done = false;
  const markDone = () => {
    done = true;
  };
  finished.then(markDone, markDone);
  const printed = new Map<string, string>();
  for (;;) {
    const run = await store.getRun(id);
    for (const step of run?.steps ?? []) {
      if (printed.get(step.id) !== step.status) {
        printed.set(step.id, step.status);
        console.log(`STEP ${step.id} ${step.status}`);
      }
    }
    if (done) {
      await finished;
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

main(JSON.parse(process.argv[2])).then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
