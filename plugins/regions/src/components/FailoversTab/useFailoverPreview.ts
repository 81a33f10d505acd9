import { useApi } from '@backstage/core-plugin-api';
import {
  FailoverPreflightResponse,
  FailoverRequest,
} from '@meridian/plugin-regions-common';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { regionsApiRef } from '../../api';

/** Typing an attestation or flipping options asks the backend once they settle. */
export const PREVIEW_DEBOUNCE_MS = 400;

/** The pre-flight of the request the dialog would send, as the backend evaluates it now. */
export interface FailoverPreview {
  /** True from a change of the request until the backend has answered it. */
  checking: boolean;
  /** The latest answer; while `checking`, the answer to an earlier request. */
  preview?: FailoverPreflightResponse;
  /** Why the backend did not answer the current request. */
  error?: Error;
  /** Asks again: the facts (lag, a node answering) change while the dialog is open. */
  recheck: () => void;
}

/**
 * Previews `request` with `POST /failovers/preflight` whenever it changes,
 * debounced. Nothing is recorded or changed by a preview.
 */
export function useFailoverPreview(
  request: FailoverRequest | undefined,
): FailoverPreview {
  const regionsApi = useApi(regionsApiRef);
  const key = request && JSON.stringify(request);
  const [asked, setAsked] = useState<{
    key: string;
    request: FailoverRequest;
  }>();
  useDebounce(
    () => setAsked(request && key ? { key, request } : undefined),
    PREVIEW_DEBOUNCE_MS,
    [key],
  );
  const answer = useAsyncRetry(
    async () => asked && regionsApi.previewFailover(asked.request),
    [regionsApi, asked],
  );

  if (!key) {
    return { checking: false, recheck: answer.retry };
  }
  const checking = key !== asked?.key || answer.loading;
  return {
    checking,
    preview: answer.value,
    error: checking ? undefined : answer.error,
    recheck: answer.retry,
  };
}
