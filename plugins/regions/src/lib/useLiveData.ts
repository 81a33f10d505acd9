import { ResponseError } from '@backstage/errors';
import {
  DependencyList,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';

/** First retry after a failed read; doubles on each further failure. */
export const FIRST_RETRY_MS = 2_000;
/** Retries never wait longer than this, so a view recovers soon after its backend. */
export const MAX_RETRY_MS = 60_000;

export interface LiveDataOptions {
  /** Reads again this long after each good answer; none when unset or null. */
  pollMs?: number | null;
  /**
   * Keeps showing the value of the previous deps until the new one arrives,
   * e.g. the lag of another history window rather than a spinner.
   */
  keepOnNewDeps?: boolean;
}

/** The last good value is older than the last attempt, which failed. */
export interface Staleness {
  /** When the value shown was read (ms since the epoch). */
  since: number;
  /** Why the latest read failed. */
  error: Error;
}

export interface LiveData<T> {
  /** The last good value, kept through failed refreshes. */
  value?: T;
  /** True until the first answer (good or not) for the current deps. */
  loading: boolean;
  /** Why the latest read failed; cleared by the next good one. */
  error?: Error;
  /** Set while `value` is shown although the latest refresh failed. */
  stale?: Staleness;
  /** True when the latest failure will not be retried (e.g. a 404). */
  gaveUp: boolean;
  /** Reads now, e.g. after an action changed what is shown. */
  retry: () => void;
}

/**
 * A 4xx (but a timeout or a rate limit) says the request itself is wrong or
 * refused: asking again will not change the answer.
 */
export function isFinalError(error: Error): boolean {
  if (!(error instanceof ResponseError)) {
    return false;
  }
  const status = error.statusCode;
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/** 2 s, 4 s, 8 s … up to a minute after the 1st, 2nd, 3rd … failure in a row. */
export function retryDelayMs(failures: number): number {
  return Math.min(
    FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1),
    MAX_RETRY_MS,
  );
}

interface State<T> {
  /** The deps the value answers. */
  question?: object;
  value?: T;
  loading: boolean;
  error?: Error;
  since?: number;
  gaveUp: boolean;
}

/**
 * Reads `read()` and keeps its value live: again every `pollMs` after a good
 * answer, and after a failure with a growing delay (see `retryDelayMs`) while
 * the error may pass. A failed refresh keeps the last good value and reports
 * it `stale`, so one 5xx never blanks the truth on screen. New deps start
 * afresh (the old value answers another question) unless `keepOnNewDeps`.
 */
export function useLiveData<T>(
  read: () => Promise<T>,
  deps: DependencyList,
  options: LiveDataOptions = {},
): LiveData<T> {
  const { pollMs, keepOnNewDeps } = options;
  // a new object whenever the deps change: it names the question asked
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const question = useMemo(() => ({}), deps);
  const [state, setState] = useState<State<T>>({
    loading: true,
    gaveUp: false,
  });
  const [attempt, setAttempt] = useState(0);
  const failures = useRef({ question, count: 0 });
  const readRef = useRef(read);
  readRef.current = read;
  // read at each answer, so that starting or stopping polling costs no request
  const pollRef = useRef(pollMs);
  pollRef.current = pollMs;
  // true while neither a read nor a timer is pending: polling must be kicked off
  const idle = useRef(false);

  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = (ms: number, poll: boolean) => {
      idle.current = false;
      timer = setTimeout(() => {
        // polling stopped since (e.g. the run ended): nothing is due
        if (poll && !pollRef.current) {
          idle.current = true;
          return;
        }
        setAttempt(n => n + 1);
      }, ms);
    };
    idle.current = false;
    if (failures.current.question !== question) {
      failures.current = { question, count: 0 };
    }
    Promise.resolve()
      .then(() => readRef.current())
      .then(
        value => {
          if (!current) return;
          failures.current.count = 0;
          setState({
            question,
            value,
            loading: false,
            since: Date.now(),
            gaveUp: false,
          });
          idle.current = true;
          if (pollRef.current) schedule(pollRef.current, true);
        },
        (error: Error) => {
          if (!current) return;
          failures.current.count += 1;
          const gaveUp = isFinalError(error);
          setState(previous => ({
            ...(previous.question === question || keepOnNewDeps
              ? previous
              : {}),
            question,
            loading: false,
            error,
            gaveUp,
          }));
          idle.current = true;
          if (!gaveUp) schedule(retryDelayMs(failures.current.count), false);
        },
      );
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [question, attempt]);

  const retry = useCallback(() => setAttempt(n => n + 1), []);
  // polling switched on while nothing is pending: the next read is due in pollMs
  useEffect(() => {
    if (!pollMs || !idle.current) {
      return undefined;
    }
    const timer = setTimeout(retry, pollMs);
    return () => clearTimeout(timer);
  }, [pollMs, retry]);
  if (state.question !== question) {
    // the answer to the current deps is on its way
    return {
      value: keepOnNewDeps ? state.value : undefined,
      loading: true,
      gaveUp: false,
      retry,
    };
  }
  const stale =
    state.error && state.value !== undefined && state.since !== undefined
      ? { since: state.since, error: state.error }
      : undefined;
  return {
    value: state.value,
    loading: state.loading,
    error: state.error,
    stale,
    gaveUp: state.gaveUp,
    retry,
  };
}
