import { readFile } from "node:fs/promises";
import { invocationSchema, invokeFunctionSchema, invokeResultSchema } from "@slipway/contracts";
import { z } from "zod";
import { defineCommand } from "../../args.ts";
import type { Client } from "../../client.ts";
import { CliError, exitCodes, UsageError } from "../../errors.ts";
import { readPiped } from "../../prompt.ts";
import { formatInvocation, functionPath, projectFlag, resolveFunction } from "./functions-api.ts";

const queuedSchema = z.object({ invocation: invocationSchema });
const methods = invokeFunctionSchema.shape.method.unwrap().options;
/** Set by the server on a response whose body is not text: the body is then base64. */
const bodyEncodingHeader = "x-slipway-body-encoding";

export const functionsInvoke = defineCommand(
  {
    name: "invoke",
    summary: "Call a function's production version and print its response body",
    description: [
      "The response body goes to stdout; the invocation's report (status, duration, cold or warm,",
      "memory, CPU) and the function's log lines to stderr; with --json, all of it to stdout.",
      "Exits 1 when the invocation failed (the handler threw, timed out or ran out of memory).",
      "The method is POST with --data, GET without. --async queues the invocation and prints its id.",
    ].join("\n"),
    args: { name: { description: "The function's name or id", required: true } },
    flags: {
      data: {
        type: "string",
        short: "d",
        placeholder: "body|@file",
        description: "The request body: text (e.g. JSON), @file to read a file, @- to read stdin",
      },
      method: { type: "string", short: "X", choices: methods, description: "The request method" },
      path: { type: "string", description: "Path and query the function sees (default /)" },
      header: {
        type: "string",
        short: "H",
        placeholder: "name: value",
        repeatable: true,
        description: "A request header",
      },
      async: { type: "boolean", description: "Queue the invocation and print its id instead of waiting" },
      project: projectFlag,
    },
    examples: [
      "slipway functions invoke hello",
      `slipway functions invoke hello --data '{"name":"Ada"}' -H 'x-trace: 1'`,
      "slipway functions invoke resize --data @image.json --path '/?size=200' --async",
    ],
  },
  async (client, { args, flags }) => {
    const { output } = client;
    const body = flags.data === undefined ? undefined : await readData(client, flags.data);
    const headers = parseHeaders(flags.header);
    if (
      body !== undefined &&
      isJson(body) &&
      !Object.keys(headers).some((key) => key.toLowerCase() === "content-type")
    ) {
      headers["content-type"] = "application/json";
    }
    const input = invokeFunctionSchema.safeParse({
      method: flags.method ?? (body === undefined ? "GET" : "POST"),
      path: flags.path,
      headers,
      body,
      async: flags.async,
    });
    if (!input.success) {
      const issue = input.error.issues[0];
      throw new UsageError(`--${String(issue?.path[0] ?? "data")}: ${issue?.message}`, "functions invoke");
    }
    const { team, fn } = await resolveFunction(client, { ref: args.name, project: flags.project });
    const path = `${functionPath(team.id, fn.id)}/invoke`;

    if (flags.async) {
      const queued = await client.post(path, input.data, queuedSchema, { progress: "Queuing" });
      output.result(queued, () => {
        output.print(queued.invocation.id);
        output.note(`Queued. \`slipway functions logs ${fn.name}\` shows it once it has run.`);
      });
      return exitCodes.ok;
    }

    // The function's own timeout bounds the call; the server answers when it is over.
    const result = await client.post(path, input.data, invokeResultSchema, {
      progress: `Invoking ${fn.name}`,
      timeoutMs: (fn.settings.timeoutSeconds + 30) * 1000,
    });
    output.result(result, () => {
      const { response } = result;
      if (response?.headers[bodyEncodingHeader] === "base64") {
        client.streams.stdout.write(Buffer.from(response.body, "base64"));
      } else if (response) {
        client.streams.stdout.write(response.body);
        if (client.streams.stdout.isTTY && response.body !== "" && !response.body.endsWith("\n")) output.print();
      }
      for (const line of formatInvocation(result.invocation)) output.note(line);
    });
    return result.invocation.status === "failed" ? exitCodes.failure : exitCodes.ok;
  },
);

/** `--data`'s value: the text itself, a file's contents (@file), or stdin (@-). */
async function readData(client: Client, data: string): Promise<string> {
  if (!data.startsWith("@")) return data;
  const file = data.slice(1);
  if (file === "-") return readPiped(client.streams.stdin);
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read --data ${data}: ${(error as Error).message}`);
  }
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim();
    if (colon === -1 || name === "") {
      throw new UsageError(`--header "${line}" is not "name: value"`, "functions invoke");
    }
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
