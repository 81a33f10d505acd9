import { WarningPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import { formatAge } from '../../lib/format';
import { Staleness } from '../../lib/useLiveData';

/**
 * Says that what the view shows is older than the latest refresh, which
 * failed: "Showing data from 2 min ago — refresh failed: …". Nothing when
 * the data is fresh.
 */
export function StaleBanner(props: {
  stale?: Staleness;
  /** What the data is, e.g. "replication": "Showing replication from …". */
  what?: string;
}) {
  const { stale, what = 'data' } = props;
  if (!stale) {
    return null;
  }
  const age = formatAge(new Date(stale.since).toISOString());
  return (
    <Box mb={2}>
      <WarningPanel
        severity="warning"
        title={`Showing ${what} from ${age} — refresh failed: ${stale.error.message}`}
        message="It is retried with a growing delay; what is shown may no longer be true."
      />
    </Box>
  );
}
