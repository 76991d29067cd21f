import { useState } from "react";

/** Shows which environment the build saw: VITE_* variables are inlined at build time. */
export function App() {
  const [count, setCount] = useState(0);
  return (
    <main>
      <h1>Slipway + Vite + React</h1>
      <p>Built for: {import.meta.env.VITE_GREETING ?? "nobody in particular"}</p>
      <button type="button" onClick={() => setCount((value) => value + 1)}>
        Clicked {count} times
      </button>
    </main>
  );
}
