import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import { useSearchParams } from 'react-router-dom';

/**
 * A window of time a tab shows (`24h`, `30d`...), kept in the URL as
 * `?window=` so that a link opens the same view; `fallback` when the URL has
 * none or one not in `options`.
 */
export function useWindowParam<W extends string>(
  options: readonly W[],
  fallback: W,
): [W, (next: W) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const param = searchParams.get('window');
  const current = options.find(option => option === param) ?? fallback;
  const select = (next: W) => {
    const params = new URLSearchParams(searchParams);
    params.set('window', next);
    setSearchParams(params);
  };
  return [current, select];
}

/** Buttons choosing one window of time among `options`. */
export function WindowSelector<W extends string>(props: {
  value: W;
  options: readonly W[];
  labels: Record<W, string>;
  /** What the windows are of, for screen readers, e.g. `History window`. */
  label: string;
  onChange: (window: W) => void;
}) {
  return (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={props.value}
      aria-label={props.label}
      onChange={(_, next: W | null) => {
        // a click on the selected window would otherwise clear it
        if (next) {
          props.onChange(next);
        }
      }}
    >
      {props.options.map(option => (
        <ToggleButton key={option} value={option}>
          {props.labels[option]}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
