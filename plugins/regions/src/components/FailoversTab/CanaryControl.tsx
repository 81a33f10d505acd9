import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import { FailoverCanary } from '@meridian/plugin-regions-common';

/** What the operator typed; parsed by {@link canaryOf}. */
export interface CanaryInput {
  enabled: boolean;
  percents: string;
  pauseSeconds: string;
}

/** Off, with the steps of a typical failback ready for when it is turned on. */
export const DEFAULT_CANARY: CanaryInput = {
  enabled: false,
  percents: '10, 25, 50, 100',
  pauseSeconds: '30',
};

/** "10, 25, 50, 100" → [10, 25, 50, 100]; undefined unless whole percentages rising to 100. */
function percentsOf(text: string): number[] | undefined {
  const percents = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  const rising = percents.every(
    (percent, index) =>
      Number.isInteger(percent) &&
      percent > 0 &&
      percent <= 100 &&
      (index === 0 || percent > percents[index - 1]),
  );
  return rising && percents[percents.length - 1] === 100 ? percents : undefined;
}

function pauseOf(text: string): number | undefined {
  const pause = Number(text);
  return text.trim() !== '' && Number.isInteger(pause) && pause >= 0
    ? pause
    : undefined;
}

/**
 * The canary of the request, `null` while what is typed does not make one,
 * undefined when off.
 */
export function canaryOf(
  input: CanaryInput,
): FailoverCanary | null | undefined {
  if (!input.enabled) {
    return undefined;
  }
  const percents = percentsOf(input.percents);
  const pauseSeconds = pauseOf(input.pauseSeconds);
  return percents && pauseSeconds !== undefined
    ? { percents, pauseSeconds }
    : null;
}

/**
 * "Shift traffic in steps (canary)", for a switchover: the share of traffic
 * on the target after each step and how long to hold each step before the
 * health check. The pre-flight says when the traffic switches cannot weigh.
 */
export function CanaryControl(props: {
  target: string;
  value: CanaryInput;
  onChange: (value: CanaryInput) => void;
}) {
  const { target, value, onChange } = props;
  const percentsInvalid =
    value.percents.trim() !== '' && !percentsOf(value.percents);
  const pauseInvalid = pauseOf(value.pauseSeconds) === undefined;
  return (
    <Box>
      <FormControlLabel
        control={
          <Checkbox
            checked={value.enabled}
            onChange={event =>
              onChange({ ...value, enabled: event.target.checked })
            }
          />
        }
        label="Shift traffic in steps (canary)"
      />
      {value.enabled && (
        <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} ml={4}>
          <TextField
            id="failover-canary-percents"
            label={`Traffic on ${target} after each step (%)`}
            value={value.percents}
            error={percentsInvalid || value.percents.trim() === ''}
            helperText="Whole percentages rising to 100, e.g. 10, 25, 50, 100"
            onChange={event =>
              onChange({ ...value, percents: event.target.value })
            }
          />
          <TextField
            id="failover-canary-pause"
            label="Hold each step (seconds)"
            type="number"
            inputProps={{ min: 0 }}
            value={value.pauseSeconds}
            error={pauseInvalid}
            helperText="Before checking health and going on"
            onChange={event =>
              onChange({ ...value, pauseSeconds: event.target.value })
            }
          />
        </Box>
      )}
    </Box>
  );
}
