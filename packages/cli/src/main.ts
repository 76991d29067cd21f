import { runCli } from "./program.ts";

// `slipway builds logs … | head` closes the pipe early: stop quietly, as other Unix tools do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  streams: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
});
