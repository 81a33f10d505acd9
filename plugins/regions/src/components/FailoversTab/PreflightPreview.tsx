import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { FailoverPreflightResponse } from '@meridian/plugin-regions-common';
import { formatAge } from '../../lib/format';
import { PreflightChecklist } from './PreflightChecklist';
import { refusalMessage } from './refusalMessage';
import { FailoverPreview } from './useFailoverPreview';

function Verdict(props: {
  preview: FailoverPreflightResponse;
  force: boolean;
}) {
  const { preview, force } = props;
  const failed = preview.checks.filter(check => !check.passed);
  if (preview.ok) {
    return (
      <Alert severity="success">
        {failed.length === 0
          ? 'Every check passes: the run would start.'
          : `The run would start: force overrides ${failed
              .map(check => check.title)
              .join(', ')}.`}
      </Alert>
    );
  }
  const forcible = failed.filter(check => check.forcible);
  return (
    <Alert severity="error">
      The run would be refused: {failed.length} of {preview.checks.length}{' '}
      checks fail.
      {!force &&
        forcible.length === failed.length &&
        ' Force would override them.'}
    </Alert>
  );
}

/**
 * The pre-flight of the run as the dialog would start it, evaluated now as a
 * dry run: a verdict, each check with the fact that decided it, and when it
 * was evaluated.
 */
export function PreflightPreview(props: {
  preview: FailoverPreview;
  force: boolean;
}) {
  const { preview, force } = props;
  return (
    <section aria-label="Pre-flight preview" aria-busy={preview.checking}>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        Pre-flight, evaluated now (a dry run: records and changes nothing)
      </Typography>
      {preview.checking && (
        <Box mb={1}>
          <LinearProgress />
          <Typography variant="caption" color="textSecondary">
            Checking the nodes…
          </Typography>
        </Box>
      )}
      {preview.error && (
        <Alert severity="error">
          Could not evaluate the pre-flight: {refusalMessage(preview.error)}
        </Alert>
      )}
      {preview.preview && !preview.error && (
        <>
          {!preview.checking && (
            <Box mb={1}>
              <Verdict preview={preview.preview} force={force} />
            </Box>
          )}
          {preview.preview.approvalsRequired > 0 && (
            <Box mb={1}>
              <Alert severity="info">
                After its pre-flight the run waits for{' '}
                {preview.preview.approvalsRequired === 1
                  ? 'the approval of another owner'
                  : `${preview.preview.approvalsRequired} approvals of other owners`}{' '}
                of both regions; it changes nothing until then.
              </Alert>
            </Box>
          )}
          <PreflightChecklist
            checks={preview.preview.checks}
            forced={force}
            label="Pre-flight checks (dry run)"
          />
          <Typography variant="caption" color="textSecondary">
            Evaluated {formatAge(preview.preview.evaluatedAt)}.{' '}
            <Button
              size="small"
              onClick={preview.recheck}
              disabled={preview.checking}
            >
              Check again
            </Button>
          </Typography>
        </>
      )}
    </section>
  );
}
