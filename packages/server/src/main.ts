import { loadConfig } from "./config.ts";
import { startPlatform } from "./platform.ts";

const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
})();

const platform = await startPlatform(config);

let signals = 0;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    signals++;
    if (signals > 1) process.exit(1);
    platform.logger.info({ signal }, "draining");
    platform.stop().then(
      () => process.exit(0),
      (error) => {
        platform.logger.error({ err: error }, "stop failed");
        process.exit(1);
      },
    );
  });
}
