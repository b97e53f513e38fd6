import { useCallback, useEffect, useRef, useState } from "react";
import type { Page } from "../api/types";

export interface PagedState<T> {
  items: T[];
  error: string | null;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => Promise<void>;
  /** Reload the first page (keeps showing the old rows until it arrives). */
  reload: () => Promise<void>;
  /** Fetch the first page again and fold it into what is shown: rows already loaded keep their place and
   * take the new values, new rows go on top, and pages loaded with "load more" stay. */
  refresh: () => Promise<void>;
}

/** A list read page by page with "load more"; `fetchPage` changes → start again from the first page. */
export function usePaged<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  keyOf: (item: T) => string = (item) => JSON.stringify(item),
): PagedState<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const load = useCallback(
    async (from: string | null) => {
      const call = ++generation.current;
      setLoading(true);
      try {
        const page = await fetchPage(from);
        if (call !== generation.current) return;
        setItems((old) => (from === null ? page.items : [...old, ...page.items]));
        setCursor(page.nextCursor);
        setHasMore(page.nextCursor !== null);
        setError(null);
      } catch (exc) {
        if (call === generation.current) setError((exc as Error).message);
      } finally {
        if (call === generation.current) setLoading(false);
      }
    },
    [fetchPage],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const refresh = useCallback(async () => {
    const call = generation.current;
    try {
      const page = await fetchPage(null);
      if (call !== generation.current) return; // a reload or "load more" started meanwhile; it wins
      setItems((old) => mergeFirstPage(old, page.items, keyOf));
      setError(null);
    } catch (exc) {
      if (call === generation.current) setError((exc as Error).message);
    }
  }, [fetchPage, keyOf]);

  const loadMore = useCallback(() => load(cursor), [load, cursor]);
  const reload = useCallback(() => load(null), [load]);

  return { items, refresh, error, loading, hasMore, loadMore, reload };
}

export function mergeFirstPage<T>(shown: T[], fresh: T[], keyOf: (item: T) => string): T[] {
  const updates = new Map(fresh.map((item) => [keyOf(item), item]));
  const known = new Set(shown.map(keyOf));
  const added = fresh.filter((item) => !known.has(keyOf(item)));
  return [...added, ...shown.map((item) => updates.get(keyOf(item)) ?? item)];
}
