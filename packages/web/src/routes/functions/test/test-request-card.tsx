import { invokeFunctionSchema, type ServerlessFunction } from "@slipway/contracts";
import { Play, Plus, X } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { CodeEditor } from "../../../components/code-editor";
import { FormError } from "../../../components/form-field";
import { Button } from "../../../components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../../../components/ui/card";
import { Input } from "../../../components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { useTestInvoke } from "../../../data/functions";
import { useCurrentTeam } from "../../teams/team-layout";

const methods = invokeFunctionSchema.shape.method.unwrap().options;
type Method = (typeof methods)[number];
type Header = { id: number; name: string; value: string };

/** Methods whose requests carry no body. */
const bodiless: readonly Method[] = ["GET", "HEAD", "OPTIONS"];

/** Whether the body is JSON; other text is sent as it is. */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The test request: method, path with query, headers and a body (JSON by default). */
export function TestRequestCard({ fn }: { fn: ServerlessFunction }) {
  const { team } = useCurrentTeam();
  const invoke = useTestInvoke(team.id, fn.id);
  const [method, setMethod] = useState<Method>("POST");
  const [path, setPath] = useState("/?name=Slipway");
  const [headers, setHeaders] = useState<Header[]>([{ id: 0, name: "", value: "" }]);
  const [body, setBody] = useState('{\n  "hello": "world"\n}\n');
  const [error, setError] = useState<string | undefined>(undefined);
  const hasBody = !bodiless.includes(method);

  function setHeader(id: number, patch: Partial<Header>) {
    setHeaders((current) => current.map((header) => (header.id === id ? { ...header, ...patch } : header)));
  }

  function send() {
    const named = headers.filter((header) => header.name.trim() !== "");
    const headerMap = Object.fromEntries(named.map((header) => [header.name.trim().toLowerCase(), header.value]));
    const withBody = hasBody && body.trim() !== "";
    if (withBody && !("content-type" in headerMap) && isJson(body)) headerMap["content-type"] = "application/json";
    const input = invokeFunctionSchema.safeParse({
      method,
      path,
      headers: headerMap,
      ...(withBody ? { body } : {}),
    });
    if (!input.success) {
      const issue = input.error.issues[0];
      setError(issue ? `${issue.path.join(".") || "request"}: ${issue.message}` : "The request is not valid");
      return;
    }
    setError(undefined);
    invoke.mutate(input.data, {
      onSuccess: (result) => {
        const status = result.response?.status;
        if (result.invocation.status === "succeeded") toast.success(`Invoked ${fn.name}: ${status ?? "done"}`);
        else toast.error(`${fn.name} failed: ${result.invocation.error ?? `status ${status ?? "none"}`}`);
      },
      onError: (failure) => toast.error(`Couldn't invoke ${fn.name}: ${failure.message}`),
    });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Request</CardTitle>
        <CardDescription>Runs the production version, like a call to its URL.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <FormError message={error} />
        <div className="grid grid-cols-[7.5rem_minmax(0,1fr)] gap-2">
          <Select value={method} onValueChange={(value) => setMethod(value as Method)}>
            <SelectTrigger aria-label="Method" className="font-mono text-xs">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              {methods.map((option) => (
                <SelectItem key={option} value={option} className="font-mono text-xs">
                  {option}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
          <Input
            aria-label="Path"
            value={path}
            onChange={(event) => setPath(event.target.value)}
            className="font-mono text-xs"
            spellCheck={false}
          />
        </div>
        <fieldset className="grid gap-2">
          <div className="flex items-center justify-between">
            <legend className="font-medium text-sm">Headers</legend>
            <Button
              variant="ghost"
              size="sm"
              className="h-7"
              onClick={() => setHeaders((current) => [...current, { id: Date.now(), name: "", value: "" }])}
            >
              <Plus />
              Add header
            </Button>
          </div>
          {headers.map((header) => (
            <div key={header.id} className="grid grid-cols-[minmax(0,2fr)_minmax(0,3fr)_auto] gap-2">
              <Input
                aria-label="Header name"
                placeholder="x-custom-header"
                value={header.name}
                onChange={(event) => setHeader(header.id, { name: event.target.value })}
                className="h-8 font-mono text-xs"
                spellCheck={false}
              />
              <Input
                aria-label="Header value"
                placeholder="value"
                value={header.value}
                onChange={(event) => setHeader(header.id, { value: event.target.value })}
                className="h-8 font-mono text-xs"
                spellCheck={false}
              />
              <Button
                variant="ghost"
                size="icon-sm"
                aria-label="Remove header"
                onClick={() => setHeaders((current) => current.filter((other) => other.id !== header.id))}
              >
                <X />
              </Button>
            </div>
          ))}
        </fieldset>
        <div className="grid gap-2">
          <div className="flex items-center justify-between gap-2">
            <p className="font-medium text-sm">Body</p>
            {hasBody && body.trim() !== "" && !isJson(body) ? (
              <span className="text-warning text-xs">Not JSON: sent as text</span>
            ) : null}
          </div>
          {hasBody ? (
            <div className="overflow-hidden rounded-lg border">
              <CodeEditor
                value={body}
                onChange={setBody}
                fileName="body.json"
                label="Request body"
                onSubmit={send}
                minHeight="10rem"
                maxHeight="18rem"
              />
            </div>
          ) : (
            <p className="rounded-lg border border-dashed px-3 py-4 text-center text-muted-foreground text-sm">
              {method} requests have no body.
            </p>
          )}
        </div>
        <Button onClick={send} isLoading={invoke.isPending} className="justify-self-start">
          {invoke.isPending ? null : <Play />}
          {invoke.isPending ? "Running…" : "Run test"}
        </Button>
      </CardContent>
    </Card>
  );
}
