import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";

/** What a .tar.gz upload may be sent as (curl and some clients say octet-stream). */
export const archiveContentTypes = ["application/gzip", "application/x-gzip", "application/octet-stream"];
export const isArchiveType = (type: string | undefined) =>
  archiveContentTypes.includes((type ?? "").split(";")[0]?.trim() ?? "");

/**
 * Streams an uploaded .tar.gz to `<dataDir>/uploads/` and stops at the size limit with 413;
 * the builder checks what is inside (paths, links, sizes) when it unpacks.
 */
export async function receiveUpload(
  body: NodeJS.ReadableStream,
  options: { uploadsDir: string; limitBytes: number },
): Promise<string> {
  await mkdir(options.uploadsDir, { recursive: true });
  const path = join(options.uploadsDir, `${newId("upl")}.tar.gz`);
  let received = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > options.limitBytes) {
        callback(
          new AppError(
            "payload_too_large",
            `the upload is over the ${Math.round(options.limitBytes / 1048576)} MB limit`,
          ),
        );
        return;
      }
      callback(null, chunk);
    },
  });
  try {
    await pipeline(body, limiter, createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    await rm(path, { force: true });
    throw error instanceof AppError ? error : new AppError("bad_request", "the upload did not arrive whole");
  }
  if (received === 0) {
    await rm(path, { force: true });
    throw new AppError("bad_request", "the upload is empty");
  }
  return path;
}
