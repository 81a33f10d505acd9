import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { ReadinessResponse } from '@meridian/plugin-regions-common';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatScore } from '../../lib/format';

/** The readiness score over the last 30 days against the threshold line. */
export function ScoreTrendChart(props: {
  history: ReadinessResponse['history'];
  threshold: number;
}) {
  const { history, threshold } = props;
  const theme = useTheme();

  if (history.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No score recorded yet.
      </Typography>
    );
  }

  const data = history.map(point => ({
    time: Date.parse(point.t),
    score: point.score,
  }));

  return (
    <div role="figure" aria-label="Readiness score over time">
      <ResponsiveContainer width="100%" height={260}>
        <LineChart
          data={data}
          margin={{ top: 16, right: 16, bottom: 8, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={(time: number) =>
              new Date(time).toLocaleString(undefined, {
                day: 'numeric',
                month: 'short',
              })
            }
          />
          <YAxis
            domain={[0, 100]}
            tickFormatter={(v: number) => formatScore(v)}
          />
          <Tooltip
            labelFormatter={(time: number) => new Date(time).toLocaleString()}
            formatter={(value: number) => formatScore(value)}
          />
          <Line
            type="stepAfter"
            dataKey="score"
            name="Score"
            stroke={theme.palette.primary.main}
            dot={data.length < 50}
            isAnimationActive={false}
          />
          <ReferenceLine
            y={threshold}
            stroke={theme.palette.success.main}
            strokeDasharray="6 3"
            label={{
              value: `ready from ${formatScore(threshold)}`,
              position: 'insideBottomLeft',
              fill: theme.palette.success.main,
            }}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
