// GET /api/hello?name=… : a Web Request in, a Response out (as on Vercel, Deno and Cloudflare).
import { greeting } from "./_greeting.js";

export default async function handler(request) {
  const url = new URL(request.url);
  const name = url.searchParams.get("name") ?? "world";
  if (name === "boom") throw new Error("asked to fail");
  console.log(`greeting ${name}`);
  return Response.json({ message: greeting(name), method: request.method, runtime: `node ${process.version}` });
}
