import { parseEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import { ActiveFailoverRun } from '@meridian/plugin-regions-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

const STATUS_WORDS: Record<ActiveFailoverRun['status'], string> = {
  pending: 'starting',
  running: 'running',
  'awaiting-approval': 'awaiting approval',
};

function regionName(ref: string): string {
  return parseEntityRef(ref).name;
}

/** What a run is, in a few words: `us-east → us-west: switchover, running`. */
export function describeRun(run: ActiveFailoverRun): string {
  const mode = run.dryRun ? `${run.mode} (dry run)` : run.mode;
  return `${regionName(run.region)} → ${regionName(run.target)}: ${mode}, ${
    STATUS_WORDS[run.status]
  }`;
}

/** A link to each run in progress, on its region's Failovers tab. */
export function RunsInProgress(props: { runs: ActiveFailoverRun[] }) {
  const entityLink = useEntityRefLink();
  if (props.runs.length === 0) {
    return null;
  }
  return (
    <Box
      component="ul"
      aria-label="Runs in progress"
      pl={2}
      mt={1}
      mb={0}
      maxHeight={160}
      overflow="auto"
    >
      {props.runs.map(run => (
        <Typography component="li" variant="body2" key={run.id}>
          <Link
            to={`${entityLink(run.region)}/failovers?run=${encodeURIComponent(
              run.id,
            )}`}
          >
            {describeRun(run)}
          </Link>
        </Typography>
      ))}
    </Box>
  );
}
