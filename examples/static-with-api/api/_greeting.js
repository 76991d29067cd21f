// A helper the functions share: files starting with "_" are not functions themselves.
export function greeting(name) {
  return `${process.env.GREETING ?? "Hello"}, ${name}!`;
}
