import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { within } from '@testing-library/react';
import { RegionsApi, regionsApiRef } from '../../../api';
import {
  fakeRegionsApi,
  mountedRoutes,
  studioPrimary,
} from '../../../testing/fixtures';
import { ReplicationTab } from '../ReplicationTab';

/** The Replication tab of `entity`, answered by `regionsApi`. */
export function renderReplicationTab(
  entity = studioPrimary,
  regionsApi: RegionsApi = fakeRegionsApi(),
  initialRouteEntries?: string[],
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <ReplicationTab />
    </EntityProvider>,
    { mountedRoutes, apis: [[regionsApiRef, regionsApi]], initialRouteEntries },
  );
}

/** The value of a labelled fact (`<dt>` then `<dd>`). */
export function fact(section: ReturnType<typeof within>, label: string) {
  return within(section.getByText(label).nextElementSibling as HTMLElement);
}
