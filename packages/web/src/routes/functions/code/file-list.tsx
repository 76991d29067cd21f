import { functionFilesSchema } from "@slipway/contracts";
import { FilePlus2, FileText, Trash2 } from "lucide-react";
import { z } from "zod";
import { DialogForm, FormDialog } from "../../../components/form-dialog";
import { TextField } from "../../../components/form-field";
import { Badge } from "../../../components/ui/badge";
import { Button } from "../../../components/ui/button";
import { useZodForm } from "../../../lib/use-zod-form";
import { cn } from "../../../lib/utils";

/** The function's files; the entry can't be removed. On a phone it sits above the editor. */
export function FileList({
  paths,
  entry,
  active,
  canEdit,
  onSelect,
  onAdd,
  onRemove,
}: {
  paths: string[];
  entry: string;
  active: string | undefined;
  canEdit: boolean;
  onSelect: (path: string) => void;
  onAdd: (path: string) => void;
  onRemove: (path: string) => void;
}) {
  return (
    <div className="flex flex-col gap-1 border-b bg-muted/30 p-2 md:border-b-0">
      <div className="flex items-center justify-between px-1 pb-1">
        <p className="font-medium text-muted-foreground text-xs uppercase tracking-wide">Files</p>
        {canEdit ? <AddFileDialog paths={paths} onAdd={onAdd} /> : null}
      </div>
      <ul className="grid gap-0.5" aria-label="Files">
        {paths.map((path) => (
          <li key={path} className="group flex items-center">
            <button
              type="button"
              onClick={() => onSelect(path)}
              aria-current={path === active ? "true" : undefined}
              className={cn(
                "flex min-w-0 flex-1 items-center gap-2 rounded-md px-2 py-1.5 text-left font-mono text-xs outline-none",
                "hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50",
                path === active ? "bg-accent font-medium text-foreground" : "text-muted-foreground",
              )}
            >
              <FileText className="size-3.5 shrink-0" aria-hidden />
              <span className="truncate">{path}</span>
              {path === entry ? (
                <Badge variant="outline" className="ml-auto px-1 py-0 font-sans text-[10px]">
                  entry
                </Badge>
              ) : null}
            </button>
            {canEdit && path !== entry ? (
              <Button
                variant="ghost"
                size="icon-sm"
                className="size-7 opacity-0 group-hover:opacity-100 focus-visible:opacity-100"
                aria-label={`Remove ${path}`}
                onClick={() => onRemove(path)}
              >
                <Trash2 />
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A path the deploy will accept (the contract's file key rule). */
const filePathSchema = z.object({
  path: z
    .string()
    .trim()
    .refine((path) => functionFilesSchema.safeParse({ [path]: "" }).success, "a relative path like lib/util.mjs"),
});

function AddFileDialog({ paths, onAdd }: { paths: string[]; onAdd: (path: string) => void }) {
  return (
    <FormDialog
      title="Add a file"
      description="A module next to the entry, or a package.json for dependencies (installed at deploy)."
      trigger={
        <Button variant="ghost" size="icon-sm" className="size-6" aria-label="Add a file">
          <FilePlus2 />
        </Button>
      }
    >
      {(close) => (
        <AddFileForm
          paths={paths}
          onAdd={(path) => {
            onAdd(path);
            close();
          }}
        />
      )}
    </FormDialog>
  );
}

function AddFileForm({ paths, onAdd }: { paths: string[]; onAdd: (path: string) => void }) {
  const form = useZodForm({ schema: filePathSchema, initial: { path: "" } });
  const submit = form.handleSubmit(({ path }) => {
    if (paths.includes(path)) form.setError("path", "a file with this path exists");
    else onAdd(path);
  });
  return (
    <DialogForm onSubmit={submit} error={form.errors.form} submitLabel="Add file" isSubmitting={false}>
      <TextField
        label="Path"
        placeholder="lib/util.mjs"
        autoFocus
        autoComplete="off"
        spellCheck={false}
        className="font-mono"
        {...form.bind("path")}
      />
    </DialogForm>
  );
}
