import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { REGION_KIND, isRegionEntity } from '@meridian/plugin-regions-common';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { regionsApiRef } from '../../api';
import {
  REGION_IDENTITY_FIELDS,
  topologyFromEntities,
} from '../../lib/regions';
import { NetworkView } from '../NetworkView';
import { RegionsTable } from '../RegionsTable';
import { TopologyGraph } from '../TopologyGraph';

const VIEWS = [
  { id: 'table', label: 'Table' },
  { id: 'topology', label: 'Topology' },
  { id: 'network', label: 'Network' },
] as const;

type View = (typeof VIEWS)[number]['id'];

/**
 * What the table and the topology read of a Region entity: not its
 * relations, annotations or status, which make up most of the catalog's
 * answer (1,000 regions hosting 2,000 components: about 1 MB in all).
 */
const REGION_FIELDS = [...REGION_IDENTITY_FIELDS, 'spec'];

/**
 * The Regions page body: a table and a topology view of every region. The
 * catalog is the source of the regions and their edges; the backend adds
 * their status, and the page still works from the catalog alone when the
 * backend is down.
 *
 * @public
 */
export function RegionsPageContent() {
  const catalogApi = useApi(catalogApiRef);
  const regionsApi = useApi(regionsApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const view: View =
    VIEWS.find(({ id }) => id === searchParams.get('view'))?.id ?? 'table';

  const regions = useAsync(async () => {
    const response = await catalogApi.getEntities({
      filter: { kind: REGION_KIND },
      fields: REGION_FIELDS,
    });
    // Another plugin's Region kind under a different apiVersion is not ours.
    return response.items.filter(isRegionEntity);
  }, [catalogApi]);
  const topology = useAsync(() => regionsApi.getTopology(), [regionsApi]);
  // without costs the table still shows everything else
  const costs = useAsync(() => regionsApi.getCostSummary(), [regionsApi]);

  // The catalog decides which regions this user sees, in both views; the
  // backend only adds their status. Built once per answer: 1,000 regions.
  const graph = useMemo(
    () =>
      topologyFromEntities(
        regions.value ?? [],
        topology.value?.regions,
        topology.value?.edges,
      ),
    [regions.value, topology.value],
  );

  if (regions.loading) {
    return <Progress />;
  }
  if (regions.error) {
    return (
      <ResponseErrorPanel
        title="Could not load regions from the catalog"
        error={regions.error}
      />
    );
  }
  const entities = regions.value ?? [];

  return (
    <>
      {topology.error && (
        <Box mb={2}>
          <WarningPanel
            title="Region status is unavailable"
            message="The regions backend could not be reached, so the status and conflicts of the regions are missing."
          >
            {topology.error.message}
          </WarningPanel>
        </Box>
      )}
      <Box mb={2}>
        <Tabs
          value={view}
          onChange={(_, next: View) =>
            // the table's filters stay for the way back; the tab replaces
            // the history entry, so Back leaves the page
            setSearchParams(
              current => {
                const params = new URLSearchParams(current);
                if (next === 'table') {
                  params.delete('view');
                } else {
                  params.set('view', next);
                }
                return params;
              },
              { replace: true },
            )
          }
          indicatorColor="primary"
          aria-label="Regions view"
        >
          {VIEWS.map(({ id, label }) => (
            <Tab key={id} value={id} label={label} />
          ))}
        </Tabs>
      </Box>
      {view === 'table' && (
        <RegionsTable
          entities={entities}
          topology={topology.value}
          costs={costs.value}
        />
      )}
      {view === 'topology' && topology.loading && <Progress />}
      {view === 'topology' && !topology.loading && (
        <TopologyGraph regions={graph.regions} edges={graph.edges} />
      )}
      {view === 'network' && <NetworkView />}
    </>
  );
}

/**
 * The Regions page with its own header, for apps on the legacy frontend
 * system; the new frontend system draws the header itself.
 *
 * @public
 */
export function RegionsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Regions"
        subtitle="Where every region is, its tier in the hub-and-spoke topology, and what runs there"
      />
      <Content>
        <RegionsPageContent />
      </Content>
    </Page>
  );
}
