/*
 * A legacy frontend system app (createApp of @backstage/app-defaults) that
 * mounts the legacy exports of @meridian/plugin-regions the way an app's
 * App.tsx and EntityPage.tsx do, so the e2e run proves them in Chromium
 * (legacy.test.ts). Development builds only, under /legacy (see index.tsx):
 * it shares the e2e run's dev server instead of building a second app.
 */
import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import {
  AlertDisplay,
  Content,
  Header,
  OAuthRequestDialog,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import {
  CatalogEntityPage,
  CatalogIndexPage,
  catalogPlugin,
  EntityLayout,
  EntitySwitch,
  isKind,
} from '@backstage/plugin-catalog';
import { ScaffolderPage, scaffolderPlugin } from '@backstage/plugin-scaffolder';
import {
  TechDocsIndexPage,
  techdocsPlugin,
  TechDocsReaderPage,
} from '@backstage/plugin-techdocs';
import {
  EntityRegionCostContent,
  EntityRegionFailoversContent,
  EntityRegionOverviewContent,
  EntityRegionReadinessContent,
  EntityRegionReplicationContent,
  EntityRegionsCard,
  HomePageRegionsAtAGlance,
  isDeployedInRegions,
  regionsPlugin,
  RegionsPage,
} from '@meridian/plugin-regions';
import Grid from '@material-ui/core/Grid';
import { Navigate, Route } from 'react-router-dom';

/** Where the harness lives inside the development app. */
export const LEGACY_BASE = '/legacy';

const regionEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <EntityRegionOverviewContent />
    </EntityLayout.Route>
    <EntityLayout.Route path="/replication" title="Replication">
      <EntityRegionReplicationContent />
    </EntityLayout.Route>
    <EntityLayout.Route path="/readiness" title="Readiness">
      <EntityRegionReadinessContent />
    </EntityLayout.Route>
    <EntityLayout.Route path="/failovers" title="Failovers">
      <EntityRegionFailoversContent />
    </EntityLayout.Route>
    <EntityLayout.Route path="/cost" title="Cost">
      <EntityRegionCostContent />
    </EntityLayout.Route>
  </EntityLayout>
);

const otherEntityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        <EntitySwitch>
          <EntitySwitch.Case if={isDeployedInRegions}>
            <Grid item md={6}>
              <EntityRegionsCard />
            </Grid>
          </EntitySwitch.Case>
        </EntitySwitch>
      </Grid>
    </EntityLayout.Route>
  </EntityLayout>
);

const entityPage = (
  <EntitySwitch>
    <EntitySwitch.Case if={isKind('region')}>
      {regionEntityPage}
    </EntitySwitch.Case>
    <EntitySwitch.Case>{otherEntityPage}</EntitySwitch.Case>
  </EntitySwitch>
);

function LegacyHomePage() {
  return (
    <Page themeId="home">
      <Header title="Legacy app" />
      <Content>
        <HomePageRegionsAtAGlance />
      </Content>
    </Page>
  );
}

const app = createApp({
  // techdocs and scaffolder: app-config.yaml binds the regions plugin's
  // runbook and template links to them
  plugins: [catalogPlugin, techdocsPlugin, scaffolderPlugin, regionsPlugin],
  components: {
    SignInPage: props => (
      <ProxiedSignInPage {...props} provider="oauth2Proxy" />
    ),
  },
});

const routes = (
  <FlatRoutes>
    <Route path={LEGACY_BASE} element={<LegacyHomePage />} />
    <Route path={`${LEGACY_BASE}/catalog`} element={<CatalogIndexPage />} />
    <Route
      path={`${LEGACY_BASE}/catalog/:namespace/:kind/:name`}
      element={<CatalogEntityPage />}
    >
      {entityPage}
    </Route>
    <Route path={`${LEGACY_BASE}/regions`} element={<RegionsPage />} />
    <Route path={`${LEGACY_BASE}/docs`} element={<TechDocsIndexPage />} />
    <Route
      path={`${LEGACY_BASE}/docs/:namespace/:kind/:name/*`}
      element={<TechDocsReaderPage />}
    />
    <Route path={`${LEGACY_BASE}/create`} element={<ScaffolderPage />} />
    <Route path="*" element={<Navigate to={LEGACY_BASE} />} />
  </FlatRoutes>
);

export default app.createRoot(
  <>
    <AlertDisplay />
    <OAuthRequestDialog />
    <AppRouter>{routes}</AppRouter>
  </>,
);
