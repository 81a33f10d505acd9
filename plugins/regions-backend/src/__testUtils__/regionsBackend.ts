import {
  BackendFeature,
  createServiceFactory,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  NotificationService,
  notificationService,
} from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import request from 'supertest';
import { regionsPlugin } from '../plugin';

/** An auditor whose every event is the one returned, to assert on. */
export function recordingAuditor() {
  const auditor = mockServices.auditor.mock();
  const auditEvent = { success: jest.fn(), fail: jest.fn() };
  auditor.createEvent.mockResolvedValue(auditEvent);
  return { auditor, auditEvent };
}

/** A notification service that keeps what the plugin sends. */
export function recordingNotifications() {
  const sent: Parameters<NotificationService['send']>[0][] = [];
  const factory = createServiceFactory({
    service: notificationService,
    deps: {},
    factory: () => ({
      send: async options => {
        sent.push(options);
      },
    }),
  });
  return { factory, sent };
}

/** Stands in for the portal's policy: these users may do everything, others nothing. */
export function allowOnlyUsers(users: string[]) {
  return mockServices.permissions.mock({
    authorize: async (requests, options) =>
      requests.map(() => ({
        result: users.includes(
          (options as any)?.credentials?.principal?.userEntityRef,
        )
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
      })),
  });
}

/**
 * The regions plugin in a test backend on `knex`, with a mock catalog of
 * `entities` (or the `catalog` given), `config` as the app config and a
 * mock scheduler whose tasks the test runs by id.
 */
export async function startRegionsTestBackend(options: {
  knex: Knex;
  entities?: Entity[];
  catalog?: ServiceFactory;
  config?: JsonObject;
  features?: (BackendFeature | ServiceFactory)[];
}) {
  const scheduler = mockServices.scheduler.mock();
  const { server } = await startTestBackend({
    features: [
      regionsPlugin,
      mockServices.database.factory({ knex: options.knex }),
      options.catalog ??
        catalogServiceMock.factory({ entities: options.entities ?? [] }),
      mockServices.rootConfig.factory({ data: options.config ?? {} }),
      scheduler.factory,
      ...(options.features ?? []),
    ],
  });
  const taskOf = (id: string) =>
    scheduler.scheduleTask.mock.calls.find(([task]) => task.id === id)![0];
  /** Runs a scheduled task the way the scheduler would. */
  const runTask = (id: string) => taskOf(id).fn(new AbortController().signal);
  const get = (path: string, user?: string) =>
    request(server)
      .get(`/api/regions${path}`)
      .set('Authorization', mockCredentials.user.header(user));
  const post = (path: string, body: object, user?: string) =>
    request(server)
      .post(`/api/regions${path}`)
      .set('Authorization', mockCredentials.user.header(user))
      .send(body);
  return { server, scheduler, taskOf, runTask, get, post };
}
