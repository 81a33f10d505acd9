import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  ReplicationHistoryPoint,
  ReplicationWindow,
} from '@meridian/plugin-regions-common';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatBytes, formatLagSeconds, formatRpo } from '../../lib/format';

interface ChartPoint {
  time: number;
  lagSeconds: number | null;
  lagBytes: number | null;
}

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
 * The worst replica's lag over a window: seconds on the left axis against the
 * RPO line, bytes on the right axis.
 */
export function LagChart(props: {
  history: ReplicationHistoryPoint[];
  historyWindow: ReplicationWindow;
  rpoSeconds?: number;
}) {
  const { history, historyWindow, rpoSeconds } = props;
  const theme = useTheme();

  if (history.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No lag samples in this window yet.
      </Typography>
    );
  }

  const data: ChartPoint[] = history.map(point => ({
    time: Date.parse(point.t),
    lagSeconds: point.lagSeconds,
    lagBytes: point.lagBytes,
  }));

  return (
    <div role="figure" aria-label="Replication lag over time">
      <ResponsiveContainer width="100%" height={320}>
        <ComposedChart
          data={data}
          margin={{ top: 16, right: 16, bottom: 8, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="time"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={tickFormatter(historyWindow)}
          />
          <YAxis
            yAxisId="seconds"
            tickFormatter={(value: number) => formatLagSeconds(value)}
          />
          <YAxis
            yAxisId="bytes"
            orientation="right"
            tickFormatter={(value: number) => formatBytes(value)}
          />
          <Tooltip
            labelFormatter={(time: number) => new Date(time).toLocaleString()}
            formatter={(
              value: number,
              _name: string,
              item: { dataKey?: unknown },
            ) =>
              item.dataKey === 'lagBytes'
                ? formatBytes(value)
                : formatLagSeconds(value)
            }
          />
          <Legend />
          <Area
            yAxisId="bytes"
            type="monotone"
            dataKey="lagBytes"
            name="Lag (bytes)"
            stroke={theme.palette.grey[500]}
            fill={theme.palette.grey[300]}
            isAnimationActive={false}
            connectNulls={false}
          />
          <Line
            yAxisId="seconds"
            type="monotone"
            dataKey="lagSeconds"
            name="Lag (seconds)"
            stroke={theme.palette.primary.main}
            dot={false}
            isAnimationActive={false}
            connectNulls={false}
          />
          {rpoSeconds !== undefined && (
            // extendDomain keeps the RPO in view while the lag stays far below it
            <ReferenceLine
              yAxisId="seconds"
              y={rpoSeconds}
              ifOverflow="extendDomain"
              stroke={theme.palette.error.main}
              strokeDasharray="6 3"
              label={{
                value: `RPO ${formatRpo(rpoSeconds)}`,
                position: 'insideTopLeft',
                fill: theme.palette.error.main,
              }}
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
