import { ErrorMessage } from './Notice.js';

/** Save and Cancel for a small inline form, with its error below. */
export function FormActions({ onCancel, error, saveLabel = 'Save' }: { onCancel: () => void; error: string | null; saveLabel?: string }) {
  return (
    <>
      <div className="inline-row">
        <button type="submit">{saveLabel}</button>
        <button type="button" className="button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ErrorMessage>{error}</ErrorMessage>
    </>
  );
}
