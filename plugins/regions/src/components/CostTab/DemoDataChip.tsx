import Chip from '@material-ui/core/Chip';

/** What every "demo data" label says on hover: where the numbers come from. */
export const DEMO_DATA_EXPLANATION =
  'Generated costs from the demo OpenCost that scripts/start.sh serves (regions.opencost.demo): not a real cluster’s spend. Point regions.opencost.baseUrl at a real OpenCost to replace them.';

/**
 * Marks a cost as demo data (`demo: true` in the cost answers), so that no
 * one takes a generated figure for real spend.
 */
export function DemoDataChip() {
  return (
    <Chip
      size="small"
      variant="outlined"
      label="demo data"
      title={DEMO_DATA_EXPLANATION}
    />
  );
}
