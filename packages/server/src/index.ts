export { type Config, loadConfig } from "./config.ts";
export { type Platform, startPlatform } from "./platform.ts";
