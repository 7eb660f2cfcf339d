/** Small form pieces shared by the pages. */
import type { ReactNode } from "react";

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

export function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="card" data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function Note({ children, kind = "info", testId }: { children: ReactNode; kind?: "info" | "warn" | "error"; testId?: string }) {
  return <div className={`note note-${kind}`} data-testid={testId}>{children}</div>;
}
