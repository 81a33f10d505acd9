import Grid, { GridSize } from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  label: {
    color: theme.palette.text.secondary,
    textTransform: 'uppercase',
    fontSize: 10,
    fontWeight: 'bold',
    letterSpacing: 0.5,
    lineHeight: 1,
    paddingBottom: theme.spacing(0.5),
  },
  value: {
    margin: 0,
    overflowWrap: 'anywhere',
  },
  missing: {
    color: theme.palette.text.secondary,
    fontStyle: 'italic',
  },
}));

/** A labelled value of a description list; says so when the field is not declared. */
export function DetailField(props: {
  label: string;
  children?: ReactNode;
  width?: GridSize;
}) {
  const { label, children, width = 4 } = props;
  const classes = useStyles();
  // What renders nothing in React (a false condition included) is "not declared".
  const declared =
    children !== undefined &&
    children !== null &&
    children !== false &&
    children !== '';
  return (
    <Grid item xs={12} sm={6} md={width}>
      <Typography component="dt" className={classes.label}>
        {label}
      </Typography>
      <Typography component="dd" variant="body2" className={classes.value}>
        {declared ? (
          children
        ) : (
          <span className={classes.missing}>Not declared</span>
        )}
      </Typography>
    </Grid>
  );
}

/** A titled group of detail fields. */
export function DetailSection(props: { title: string; children: ReactNode }) {
  return (
    <section aria-label={props.title}>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        {props.title}
      </Typography>
      <Grid container spacing={2} component="dl">
        {props.children}
      </Grid>
    </section>
  );
}
