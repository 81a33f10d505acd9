import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

/** The filters above the table, each one value of a column or `''` for all. */
export const FILTER_KEYS = ['tier', 'lifecycle', 'owner', 'country'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Record<FilterKey, string>;

/** What the table shows, kept in the URL so that a link opens the same view. */
export interface TableParams {
  filters: Filters;
  search: string;
  /** A column's field, sorted ascending or descending. */
  sort?: { field: string; direction: 'asc' | 'desc' };
  /** 0-based. */
  page: number;
  /** The optional columns shown (the column picker's choice); undefined for the default. */
  shown?: string[];
}

/**
 * The table's view in the URL: `?tier=&lifecycle=&owner=&country=&q=&sort=&dir=&page=&columns=`.
 * Changes replace the history entry rather than push one, so Back leaves the
 * page instead of undoing each keystroke of a search.
 */
export function useTableParams(): [
  TableParams,
  (patch: Partial<TableParams>) => void,
] {
  const [searchParams, setSearchParams] = useSearchParams();
  const params = useMemo<TableParams>(() => {
    const field = searchParams.get('sort');
    const columns = searchParams.get('columns');
    return {
      filters: Object.fromEntries(
        FILTER_KEYS.map(key => [key, searchParams.get(key) ?? '']),
      ) as Filters,
      search: searchParams.get('q') ?? '',
      sort: field
        ? {
            field,
            direction: searchParams.get('dir') === 'desc' ? 'desc' : 'asc',
          }
        : undefined,
      page: Math.max(0, Number(searchParams.get('page') ?? 1) - 1 || 0),
      shown: columns === null ? undefined : columns.split(',').filter(Boolean),
    };
  }, [searchParams]);

  const update = useCallback(
    (patch: Partial<TableParams>) =>
      setSearchParams(
        current => {
          const next = new URLSearchParams(current);
          const put = (key: string, value: string | undefined) =>
            value ? next.set(key, value) : next.delete(key);
          if (patch.filters) {
            FILTER_KEYS.forEach(key => put(key, patch.filters![key]));
          }
          if ('search' in patch) {
            put('q', patch.search);
          }
          if ('sort' in patch) {
            put('sort', patch.sort?.field);
            put('dir', patch.sort?.direction === 'desc' ? 'desc' : undefined);
          }
          if ('page' in patch) {
            put('page', patch.page ? String(patch.page + 1) : undefined);
          }
          if ('shown' in patch) {
            if (patch.shown) {
              next.set('columns', patch.shown.join(','));
            } else {
              next.delete('columns');
            }
          }
          return next;
        },
        { replace: true },
      ),
    [setSearchParams],
  );
  return [params, update];
}
