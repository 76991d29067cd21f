// `npm run bench` runs every benchmark; `npm run bench -- <name> [<name>…]` runs some.
// Each prints its figures next to a baseline measured in the same run, as a ratio.
import { loadavg } from "node:os";
import { appsColdWake, appsRedeploy } from "./apps.bench.ts";
import { deployBench } from "./deploy.bench.ts";
import { edgeProxy } from "./edge-proxy.bench.ts";
import { edgeStatic } from "./edge-static.bench.ts";
import { functionsBench } from "./functions.bench.ts";
import { functionsAsync } from "./functions-async.bench.ts";
import { functionsMemory } from "./functions-memory.bench.ts";
import { functionsWarm } from "./functions-warm.bench.ts";
import { type Benchmark, type BenchResult, printTable, writeResults } from "./lib/report.ts";
import { settings } from "./lib/settings.ts";
import { startup } from "./startup.bench.ts";
import { tokensList } from "./tokens-list.bench.ts";

const benchmarks: Benchmark[] = [
  tokensList,
  startup,
  edgeStatic,
  edgeProxy,
  deployBench,
  appsRedeploy,
  appsColdWake,
  functionsBench,
  functionsWarm,
  functionsMemory,
  functionsAsync,
];

const names = process.argv.slice(2).filter((a) => a !== "--");
const unknown = names.filter((n) => !benchmarks.some((b) => b.name === n));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(", ")}\navailable:`);
  for (const b of benchmarks) console.error(`  ${b.name.padEnd(17)} ${b.describe}`);
  process.exit(2);
}
const selected = names.length > 0 ? benchmarks.filter((b) => names.includes(b.name)) : benchmarks;

const load = loadavg()[0] ?? 0;
console.log(`load average ${load.toFixed(2)} on this machine before the run`);
if (load > 1) console.log("(other work is running: absolute figures will be low and noisy; compare the ratios)");

const results: BenchResult[] = [];
for (const b of selected) results.push(await b.run());

printTable(results);
console.log(`\nresults: ${writeResults(results, settings)}`);
