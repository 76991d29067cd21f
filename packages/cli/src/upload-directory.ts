import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { z } from "zod";
import type { Client } from "./client.ts";
import { CliError } from "./errors.ts";
import { formatBytes } from "./output.ts";
import { collectSourceTree, packSourceTree } from "./pack.ts";

/**
 * Packs `dir` into a temporary .tar.gz (what `collectSourceTree` keeps), POSTs it to `path`
 * with a progress bar, and returns the answer as `schema` reads it. `waitLabel` names what
 * the server does once the upload is in, shown with a spinner until it answers.
 */
export async function uploadDirectory<T>(
  client: Client,
  options: {
    dir: string;
    path: string;
    query?: Record<string, string | number | undefined>;
    schema: z.ZodType<T>;
    waitLabel?: string;
  },
): Promise<T> {
  const { output } = client;
  const tree = await output.progress("Reading files", collectSourceTree(options.dir));
  for (const skipped of tree.skipped) output.warn(`left out ${skipped.path}: ${skipped.reason}`);
  const files = tree.entries.filter((entry) => entry.kind !== "directory").length;
  if (files === 0) {
    throw new CliError(`nothing to deploy in ${options.dir}`, { hint: "check its .gitignore and .slipwayignore" });
  }
  const scratch = await mkdtemp(join(tmpdir(), "slipway-deploy-"));
  try {
    const archive = join(scratch, "source.tar.gz");
    await output.progress("Packing", packSourceTree(options.dir, tree, archive));
    const { size } = await stat(archive);
    output.note(
      `Uploading ${files} file${files === 1 ? "" : "s"} (${formatBytes(tree.bytes)}, ${formatBytes(size)} packed)`,
    );
    const bar = output.transfer("Uploading", size);
    let sent = 0;
    let markSent = () => {};
    const isSent = new Promise<void>((resolve) => (markSent = resolve));
    const counted = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        sent += chunk.byteLength;
        bar.advance(sent);
        controller.enqueue(chunk);
      },
      flush: () => markSent(),
    });
    try {
      // Node types toWeb's result as stream/web's ReadableStream, the same class as the global one.
      const stream = (Readable.toWeb(createReadStream(archive)) as ReadableStream<Uint8Array>).pipeThrough(counted);
      const answer = client.upload(
        options.path,
        { stream, contentType: "application/gzip", length: size },
        options.schema,
        { query: options.query },
      );
      if (!options.waitLabel) return await answer;
      // The bar gives way to a spinner once every byte is out, while the server works on them.
      await Promise.race([isSent, answer]);
      bar.done();
      return await output.progress(options.waitLabel, answer);
    } finally {
      bar.done();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
