import { lazy, Suspense } from "react";
import { cn } from "../lib/utils";
import { Skeleton } from "./ui/skeleton";

export type CodeEditorProps = {
  value: string;
  onChange?: (value: string) => void;
  /** Picks the syntax highlighting by extension: .js .mjs .ts .py .go .rb .json; anything else is plain text. */
  fileName: string;
  /** Names the editor for screen readers (and tests): "Code of index.mjs". */
  label: string;
  isReadOnly?: boolean;
  /** Long lines wrap instead of scrolling sideways (previews, responses). */
  isWrapped?: boolean;
  /** Ctrl/Cmd+Enter and Ctrl/Cmd+S: the form's main action (deploy, invoke). */
  onSubmit?: () => void;
  /** CSS heights; the editor grows with its text between them, then scrolls. */
  minHeight?: string;
  maxHeight?: string;
  className?: string;
};

/** CodeMirror and its languages are large: loaded the first time an editor shows. */
const CodeEditorView = lazy(() => import("./code-editor-view").then((module) => ({ default: module.CodeEditorView })));

/** A code editor with syntax highlighting, line numbers, undo, search and bracket matching. */
export function CodeEditor(props: CodeEditorProps) {
  return (
    <Suspense
      fallback={
        <Skeleton
          className={cn("w-full rounded-none", props.className)}
          style={{ height: props.minHeight ?? "12rem" }}
        />
      }
    >
      <CodeEditorView {...props} />
    </Suspense>
  );
}
