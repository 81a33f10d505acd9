import Grid from '@material-ui/core/Grid';
import { RegionHealthCard } from '../RegionHealth';
import { RegionPlanCard } from '../RegionPlan';
import { RegionConflictsCard } from './RegionConflictsCard';
import { RegionDetailsCard } from './RegionDetailsCard';
import { RegionRelationsCard } from './RegionRelationsCard';
import { RegionRunbooksCard } from './RegionRunbooksCard';

/**
 * The Region overview cards in a grid, for the entity page of apps on the
 * legacy frontend system.
 *
 * @public
 */
export function RegionOverviewContent() {
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={8}>
        <RegionDetailsCard variant="gridItem" />
      </Grid>
      <Grid item xs={12} md={4}>
        <Grid container spacing={3} direction="column">
          <Grid item>
            <RegionConflictsCard />
          </Grid>
          <Grid item>
            <RegionRunbooksCard />
          </Grid>
        </Grid>
      </Grid>
      <Grid item xs={12} md={8}>
        <RegionHealthCard />
      </Grid>
      <Grid item xs={12} md={4}>
        <RegionPlanCard />
      </Grid>
      <Grid item xs={12}>
        <RegionRelationsCard />
      </Grid>
    </Grid>
  );
}
