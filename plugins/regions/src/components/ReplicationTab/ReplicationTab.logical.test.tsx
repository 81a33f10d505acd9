import { ReplicationResponse } from '@meridian/plugin-regions-common';
import { screen, within } from '@testing-library/react';
import {
  fakeRegionsApi,
  primaryReplication,
  replicationSampledAt,
  studioPrimary,
  studioSul,
} from '../../testing/fixtures';
import { renderReplicationTab as renderTab } from './__testUtils__/renderReplicationTab';

// The first render of a file loads the app's lazy parts on a shared 2-core machine.
jest.setTimeout(20_000);

const answering = (replication: ReplicationResponse) =>
  fakeRegionsApi({ getReplication: async () => replication });

/** The table whose title starts with `title`, and its rows by first cell. */
async function tableRows(title: RegExp) {
  const heading = await screen.findByRole('heading', { name: title });
  const table = within(heading.closest('[class*="MuiPaper"]') as HTMLElement);
  return table.getAllByRole('row');
}

const rowOf = (rows: HTMLElement[], text: string) =>
  rows.find(row => row.textContent?.includes(text))!;

describe('ReplicationTab logical replication', () => {
  it('lists a publisher replicas by kind and wal_status, a CDC slot marked not counted', async () => {
    const base = primaryReplication('24h');
    renderTab(
      studioPrimary,
      answering({
        ...base,
        status: 'breach',
        reason: 'slot rj_sub has wal_status lost',
        replicas: [
          {
            name: 'studio_sul',
            kind: 'physical',
            slot: 'studio_sul',
            walStatus: 'reserved',
            state: 'streaming',
            lagBytes: 0,
            lagSeconds: 0,
            sampledAt: replicationSampledAt,
          },
          {
            name: 'rj_sub',
            kind: 'logical',
            slot: 'rj_sub',
            walStatus: 'lost',
            counted: true,
            region: 'region:default/studio-rj',
            state: 'stopped',
            lagBytes: 9_000_000,
            lagSeconds: null,
            sampledAt: replicationSampledAt,
          },
          {
            name: 'debezium',
            kind: 'logical',
            slot: 'debezium',
            walStatus: 'extended',
            counted: false,
            state: 'stopped',
            lagBytes: 50_000_000,
            lagSeconds: null,
            sampledAt: replicationSampledAt,
          },
        ],
      }),
    );

    const rows = await tableRows(/^Replicas \(3\)/);
    expect(rows[0]).toHaveTextContent(/Kind.*WAL status.*Region/);
    expect(rowOf(rows, 'studio_sul')).toHaveTextContent(/physical.*reserved/);
    const rj = rowOf(rows, 'rj_sub');
    expect(rj).toHaveTextContent(/logical.*lost \(WAL lost to the replica\)/);
    expect(within(rj).getByRole('link', { name: 'studio-rj' })).toHaveAttribute(
      'href',
      '/catalog/default/region/studio-rj',
    );
    const debezium = rowOf(rows, 'debezium');
    expect(debezium).toHaveTextContent(
      'not counted (change data capture: no region replicates through this slot)',
    );
    expect(rj).not.toHaveTextContent('not counted');
  });

  it('shows a subscriber its subscriptions with publisher, sync and lag', async () => {
    renderTab(
      { ...studioSul, metadata: { ...studioSul.metadata, name: 'studio-rj' } },
      answering({
        ...primaryReplication('24h'),
        region: 'region:default/studio-rj',
        role: 'warm-standby',
        mode: 'logical',
        rpoSeconds: 30,
        status: 'breach',
        reason: 'worst subscription rj_sub is 45 s behind (above the RPO 30 s)',
        replicas: [],
        subscriptions: [
          {
            name: 'rj_sub',
            state: 'streaming',
            slot: 'rj_sub',
            publications: ['studio_pub'],
            receivedLsn: '0/5663348',
            appliedLsn: '0/5600000',
            appliedAt: replicationSampledAt,
            tables: { ready: 3, total: 4 },
            lagBytes: 406_344,
            lagSeconds: 45,
            publisherRegion: 'region:default/studio-primary',
          },
        ],
      }),
    );

    const rows = await tableRows(/^Subscriptions \(1\)/);
    const sub = rowOf(rows, 'rj_sub');
    expect(
      within(sub).getByRole('link', { name: 'studio-primary' }),
    ).toHaveAttribute('href', '/catalog/default/region/studio-primary');
    expect(sub).toHaveTextContent(/streaming.*3 of 4.*0\/5663348.*0\/5600000/);
    expect(within(sub).getByText('breach')).toBeInTheDocument();
  });

  it('shows an active region each direction as observed', async () => {
    renderTab(
      studioPrimary,
      answering({
        ...primaryReplication('24h'),
        role: 'active',
        mode: 'logical',
        directions: [
          {
            direction: 'outgoing',
            peer: 'region:default/studio-sul',
            via: 'sul_from_primary',
            kind: 'logical',
            state: 'streaming',
            lagBytes: 0,
            lagSeconds: 0,
          },
          {
            direction: 'incoming',
            peer: 'region:default/studio-sul',
            via: 'primary_from_sul',
            kind: 'logical',
            state: 'stopped',
            lagBytes: 2048,
            lagSeconds: 12,
          },
        ],
      }),
    );

    const rows = await tableRows(/^Each direction/);
    expect(rowOf(rows, 'sul_from_primary')).toHaveTextContent(
      /outgoing \(to peer\).*studio-sul.*sul_from_primary.*logical.*streaming/,
    );
    expect(rowOf(rows, 'primary_from_sul')).toHaveTextContent(
      /incoming \(from peer\).*studio-sul.*primary_from_sul.*logical.*stopped/,
    );
  });
});
