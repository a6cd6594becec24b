// Environment read once, at cold start. A missing variable throws there, not in the middle of a request.

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

export function optionalEnv(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

/** A base URL without its trailing slashes. Only from the first slash of a run: `\/+$` rescans a run from each of its slashes. */
export function withoutTrailingSlashes(url: string): string {
  return url.replace(/(?<!\/)\/+$/u, '');
}
