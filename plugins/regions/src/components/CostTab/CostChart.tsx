import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { CostBucket, CostDay } from '@meridian/plugin-regions-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatMoney } from '../../lib/format';

/** The buckets as users read them, in the order they stack. */
export const BUCKET_LABELS: Record<CostBucket, string> = {
  cpu: 'CPU',
  gpu: 'GPU',
  ram: 'RAM',
  storage: 'Storage',
  network: 'Network',
  loadBalancer: 'Load balancer',
  shared: 'Shared',
  external: 'External',
  idle: 'Idle',
};

/**
 * Each day's cost stacked by bucket. Buckets that cost nothing over the
 * window are left out of the legend.
 */
export function CostChart(props: { daily: CostDay[]; currency: string }) {
  const { daily, currency } = props;
  const theme = useTheme();

  if (daily.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No daily costs in this window yet.
      </Typography>
    );
  }

  const colors: Record<CostBucket, string> = {
    cpu: theme.palette.primary.main,
    gpu: theme.palette.secondary.main,
    ram: theme.palette.info.main,
    storage: theme.palette.success.main,
    network: theme.palette.warning.main,
    loadBalancer: theme.palette.error.light,
    shared: theme.palette.grey[600],
    external: theme.palette.grey[400],
    idle: theme.palette.grey[300],
  };
  const buckets = (Object.keys(BUCKET_LABELS) as CostBucket[]).filter(bucket =>
    daily.some(day => day.breakdown[bucket] !== 0),
  );
  const data = daily.map(day => ({ date: day.date, ...day.breakdown }));

  return (
    <div role="figure" aria-label="Daily cost">
      <ResponsiveContainer width="100%" height={320}>
        <BarChart
          data={data}
          margin={{ top: 16, right: 16, bottom: 8, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="date"
            tickFormatter={(date: string) =>
              new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, {
                day: 'numeric',
                month: 'short',
                timeZone: 'UTC',
              })
            }
          />
          <YAxis
            tickFormatter={(value: number) => formatMoney(value, currency)}
          />
          <Tooltip
            formatter={(value: number) => formatMoney(value, currency)}
          />
          <Legend />
          {buckets.map(bucket => (
            <Bar
              key={bucket}
              dataKey={bucket}
              name={BUCKET_LABELS[bucket]}
              stackId="cost"
              fill={colors[bucket]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
