import { useProject } from "../store.ts";
import { projectStore } from "../../state/project.ts";

export function ErrorBanner() {
  const error = useProject((s) => s.error);
  const model = useProject((s) => s.model);
  const kind = useProject((s) => s.errorKind);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <strong>{kind === "open" ? "Could not open the file." : "Something went wrong."}</strong> <span>{error}</span>
      {model && <span className="error-keep"> {model.fileName} is still open.</span>}
      <button className="btn btn-small" onClick={() => projectStore.getState().dismissError()} aria-label="Dismiss error">
        Dismiss
      </button>
    </div>
  );
}
