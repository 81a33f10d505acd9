import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  HealthResponse,
  ReplicationWindow,
} from '@meridian/plugin-regions-common';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

// Hours and minutes within a day, the date beyond it.
function tickFormatter(historyWindow: ReplicationWindow) {
  const short = historyWindow === '1h' || historyWindow === '24h';
  return (time: number) =>
    new Date(time).toLocaleString(
      undefined,
      short
        ? { hour: '2-digit', minute: '2-digit' }
        : { day: 'numeric', month: 'short' },
    );
}

/**
 * Each probe's mean latency over the window, one line per probe, against
 * the probes' latency thresholds. A bucket whose checks all failed is a gap.
 */
export function ProbeLatencyChart(props: { health: HealthResponse }) {
  const { health } = props;
  const theme = useTheme();
  const colors = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.info.main,
    theme.palette.success.dark,
  ];
  const byTime = new Map<number, Record<string, number | null>>();
  for (const { probe, points } of health.series) {
    for (const point of points) {
      const time = Date.parse(point.t);
      byTime.set(time, { ...byTime.get(time), [probe]: point.latencyMs });
    }
  }
  if (byTime.size === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No checks in this window yet.
      </Typography>
    );
  }
  const data = [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .map(([time, values]) => ({ time, ...values }));
  const thresholds = [
    ...new Set(health.probes.map(probe => probe.latencyThresholdMs)),
  ];

  return (
    <div role="figure" aria-label="Probe latency over time">
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={data} margin={{ top: 16, right: 16, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={tickFormatter(health.window)}
          />
          <YAxis unit=" ms" width={72} />
          <Tooltip
            labelFormatter={time => new Date(Number(time)).toLocaleString()}
            formatter={(value: number) => `${Math.round(value)} ms`}
          />
          <Legend />
          {thresholds.map(threshold => (
            <ReferenceLine
              key={threshold}
              y={threshold}
              stroke={theme.palette.error.main}
              strokeDasharray="4 4"
              label={`threshold ${threshold} ms`}
            />
          ))}
          {health.series.map(({ probe }, index) => (
            <Line
              key={probe}
              dataKey={probe}
              name={probe}
              stroke={colors[index % colors.length]}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
