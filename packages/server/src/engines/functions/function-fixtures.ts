import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { testFunctionCacheDir, testLogger } from "../../testing/test-store.ts";
import { openTestSandbox } from "../sandbox/sandbox-fixtures.ts";
import { packageFunction } from "./function-packager.ts";
import {
  createFunctionRuntime,
  type FunctionCode,
  type FunctionRuntimeName,
  type FunctionRuntimeOptions,
} from "./function-runtime.ts";

export const functionLimits = { memoryMb: 128, cpus: 1, pids: 64 };

/** A real sandbox, a function runtime with a pool for the pre-startable languages, and a folder for functions' files. */
export async function openFunctionsFixture(pool: Partial<FunctionRuntimeOptions["pool"]> = {}) {
  const opened = await openTestSandbox();
  const root = await mkdtemp(join(tmpdir(), "slipway-functions-"));
  await chmod(root, 0o755);
  const slotsDir = join(opened.workRoot, "slots");
  const runtime = createFunctionRuntime({
    sandbox: opened.sandbox,
    logger: testLogger,
    slotsDir,
    pool: { size: 1, limits: functionLimits, runtimes: ["node", "python", "ruby"], ...pool },
  });
  await runtime.start();

  /** Writes a function's files under root/<name>/source. */
  async function writeSource(name: string, files: Record<string, string>): Promise<string> {
    const sourceDir = join(root, name, "source");
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(sourceDir, path)), { recursive: true });
      await writeFile(join(sourceDir, path), text);
    }
    return sourceDir;
  }

  /** Packages the files; the packager's answer and where the code went. */
  async function pack(name: string, runtime: FunctionRuntimeName, entry: string, files: Record<string, string>) {
    const sourceDir = await writeSource(name, files);
    const outDir = join(root, name, "code");
    const lines: string[] = [];
    const result = await packageFunction({
      sandbox: opened.sandbox,
      logger: testLogger,
      runtime,
      sourceDir,
      entry,
      outDir,
      cacheDir: testFunctionCacheDir,
      onLog: (line) => lines.push(line),
    });
    return { result, outDir, lines };
  }

  /** Packages the files and returns the code to invoke; a packaging failure fails the test with its message. */
  async function deploy(
    name: string,
    runtime: FunctionRuntimeName,
    entry: string,
    files: Record<string, string>,
    extra: Partial<FunctionCode> = {},
  ): Promise<FunctionCode> {
    const { result, outDir } = await pack(name, runtime, entry, files);
    if (!result.ok) throw new Error(`packaging ${name} failed: ${result.message}`);
    return {
      runtime,
      key: name,
      codeDir: outDir,
      entry: result.entry,
      env: {},
      limits: functionLimits,
      timeoutMs: 5_000,
      ...extra,
    };
  }

  return {
    sandbox: opened.sandbox,
    workRoot: opened.workRoot,
    slotsDir,
    root,
    runtime,
    writeSource,
    pack,
    deploy,
    async close() {
      await runtime.stop();
      await opened.destroy();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export type FunctionsFixture = Awaited<ReturnType<typeof openFunctionsFixture>>;

export const get = (path = "/") => ({ method: "GET", path, headers: {} });
