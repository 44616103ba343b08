import type { ReactNode } from 'react';

/** An error a person must see: announced at once by screen readers. */
export function ErrorMessage({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div className="notice notice-error" role="alert">
      {children}
    </div>
  );
}

/** Progress or a quiet confirmation: announced politely. */
export function Status({ children }: { children: ReactNode }) {
  return (
    <p className="status" role="status">
      {children}
    </p>
  );
}
