import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { AlertStateStore } from '../database/AlertStateStore';
import { ReplicationSample } from '../database/ReplicationStore';
import { RegionAlerts } from './RegionAlerts';
import { recordRpoAlerts } from './replicationAlerts';

const SUL = 'region:default/studio-sul';

const sample = (
  status: ReplicationSample['status'],
  reason: string,
): ReplicationSample => ({
  regionRef: SUL,
  sampledAt: new Date(),
  status,
  reason,
  lagBytes: null,
  lagSeconds: null,
  rows: [],
  replicas: [],
  observedRole: 'standby',
});

describe('RPO notifications', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('tells the owners when replication goes over its RPO and when it is back, once each, whatever the ticks in between', async () => {
    const knex = await databases.init('SQLITE_3');
    const database = { getClient: async () => knex };
    const sent: Parameters<NotificationService['send']>[0][] = [];
    const logger = mockServices.logger.mock();
    // two backend instances sharing the database, as two replicas of the backend would
    const [one, two] = [
      new RegionAlerts({
        states: await AlertStateStore.create({ database }),
        notifications: { send: async n => void sent.push(n) },
        logger,
      }),
      new RegionAlerts({
        states: await AlertStateStore.create({ database }),
        notifications: { send: async n => void sent.push(n) },
        logger,
      }),
    ];

    await recordRpoAlerts(one, [sample('ok', 'lag 2 s within RPO 60 s')]);
    await recordRpoAlerts(two, [sample('warning', 'lag 40 s, half the RPO')]);
    await recordRpoAlerts(one, [sample('breach', 'lag 75 s over RPO 60 s')]);
    await recordRpoAlerts(two, [sample('breach', 'lag 80 s over RPO 60 s')]);
    // a failed sample is not a recovery
    await recordRpoAlerts(one, [sample('unknown', 'no answer')]);
    await recordRpoAlerts(two, [sample('ok', 'lag 1 s within RPO 60 s')]);
    await recordRpoAlerts(one, [sample('ok', 'lag 1 s within RPO 60 s')]);

    expect(sent.map(n => [n.payload.title, n.payload.description])).toEqual([
      ['Replication of studio-sul is over its RPO', 'lag 75 s over RPO 60 s'],
      [
        'Replication of studio-sul is within its RPO again',
        'lag 1 s within RPO 60 s',
      ],
    ]);
    expect(sent[0]).toMatchObject({
      recipients: { type: 'entity', entityRef: [SUL] },
      payload: {
        severity: 'high',
        topic: 'regions-rpo',
        link: '/catalog/default/region/studio-sul/replication',
      },
    });
    await knex.destroy();
  });
});
