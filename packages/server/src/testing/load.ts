import { Agent, request } from "node:http";

export type LoadResult = { total: number; byStatus: Map<number, number>; errors: string[]; bodies: Set<string> };

/**
 * Keeps `concurrency` keep-alive GET loops running against a URL through the edge until
 * stopped; counts every status and transport error. For "did anyone see a failure" tests.
 */
export function startLoad(edgeUrl: string, pageUrl: string, concurrency: number) {
  const page = new URL(pageUrl);
  const port = Number(new URL(edgeUrl).port);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = { total: 0, byStatus: new Map(), errors: [], bodies: new Set() };
  let isStopped = false;

  const once = () =>
    new Promise<void>((resolve) => {
      const req = request(
        { host: "127.0.0.1", port, path: `${page.pathname}${page.search}`, headers: { host: page.host }, agent },
        (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on("end", () => {
            result.total += 1;
            const status = res.statusCode ?? 0;
            result.byStatus.set(status, (result.byStatus.get(status) ?? 0) + 1);
            if (status === 200) result.bodies.add(body);
            resolve();
          });
          res.on("error", (error) => {
            result.errors.push(error.message);
            resolve();
          });
        },
      );
      req.on("error", (error) => {
        result.total += 1;
        result.errors.push(error.message);
        resolve();
      });
      req.end();
    });

  const loops = Array.from({ length: concurrency }, async () => {
    while (!isStopped) await once();
  });
  return {
    result,
    /** Requests answered with something other than 2xx, plus transport errors. */
    failures: () =>
      [...result.byStatus].filter(([status]) => status < 200 || status > 299).reduce((n, [, c]) => n + c, 0) +
      result.errors.length,
    async stop(): Promise<LoadResult> {
      isStopped = true;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
  };
}
