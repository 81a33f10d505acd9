import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { FailoverRun } from '@meridian/plugin-regions-common';
import { formatAge, formatBytes } from '../../lib/format';
import { DetailField, DetailSection } from '../RegionOverview/DetailField';
import { formatDurationMs } from './runFormat';
import { displayName } from './StandbyChoice';

const useStyles = makeStyles(theme => ({
  evidence: {
    margin: 0,
    padding: theme.spacing(1, 1, 1, 3),
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    backgroundColor: theme.palette.background.default,
  },
}));

/** How the time of the promotion is known, and so how far to trust it. */
const PROMOTED_AT_FROM = {
  node: 'as its node records it (timeline history)',
  samples:
    'between two collector samples: it may be off by up to a sampling interval',
};

/**
 * What Meridian could tell of a promotion it did not make (Patroni's own
 * failover, a `pg_promote` by hand): when and how that is known, the new
 * timeline, what promoted it, the evidence line by line, and the write
 * unavailability and data loss as far as the samples show.
 */
export function RunDetection(props: { run: FailoverRun }) {
  const { run } = props;
  const classes = useStyles();
  const detection = run.detection;
  if (!detection) {
    return null;
  }
  const target = displayName(run.target);
  const source = displayName(run.region);
  return (
    <Box mb={2} component="section" aria-label="Detection">
      <Box mb={2}>
        <Alert severity="warning">
          <AlertTitle>
            {target} was promoted outside Meridian, which saw it happen
          </AlertTitle>
          Promoted{' '}
          <span title={new Date(detection.promotedAt).toLocaleString()}>
            {formatAge(detection.promotedAt)}
          </span>
          , {PROMOTED_AT_FROM[detection.promotedAtFrom]}. Nothing fenced{' '}
          {source}: make sure it takes no writes.
        </Alert>
      </Box>
      <DetailSection title="What was seen">
        <DetailField label="Promoted by">
          {detection.promotedBy ?? 'unknown: nothing says'}
        </DetailField>
        <DetailField label="New timeline">
          {detection.timeline ?? 'unknown'}
        </DetailField>
        <DetailField label="Writes unavailable">
          {run.rtoMs === null
            ? 'unknown: no sample shows it'
            : `${formatDurationMs(run.rtoMs)}, as far as the samples show`}
        </DetailField>
        <DetailField label="Data lost" width={12}>
          {run.dataLossBytes === null
            ? 'unknown'
            : `${formatBytes(
                run.dataLossBytes,
              )} that ${source} had and ${target} never received`}
        </DetailField>
      </DetailSection>
      <Box mt={2}>
        <Typography variant="subtitle2" gutterBottom>
          Evidence
        </Typography>
        <ul className={classes.evidence} aria-label="Evidence">
          {detection.evidence.map(line => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </Box>
    </Box>
  );
}
