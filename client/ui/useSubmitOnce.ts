import type { MutateOptions, UseMutationResult } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';

/**
 * A mutation's `mutate` that does nothing while an earlier call is still in flight, for forms
 * that create something (a room, an invite, an account). Disabling the button on `isPending`
 * alone is not enough: TanStack Query tells React about the pending state on a later tick
 * (a `setTimeout`), so the second click of a fast double click still finds the button enabled
 * and sends a second request: two rooms. The ref is set synchronously, before that click.
 *
 * @example
 * const create = useCreateRoom(slug)
 * const submitOnce = useSubmitOnce(create)
 * // in onSubmit, and keep <button disabled={create.isPending}> for the person to see:
 * submitOnce({ kind, title }, { onSuccess: () => setTitle('') })
 */
export function useSubmitOnce<TData, TError, TVariables, TOnMutateResult>(
  mutation: UseMutationResult<TData, TError, TVariables, TOnMutateResult>,
): (variables: TVariables, options?: MutateOptions<TData, TError, TVariables, TOnMutateResult>) => void {
  const inFlight = useRef(false);
  const { mutate } = mutation;
  return useCallback(
    (variables, options) => {
      if (inFlight.current) return;
      inFlight.current = true;
      mutate(variables, {
        ...options,
        onSettled: (...args) => {
          inFlight.current = false;
          options?.onSettled?.(...args);
        },
      });
    },
    [mutate],
  );
}
