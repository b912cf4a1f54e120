/** `https://Blog.Example.org/` → `https://blog.example.org` (what browsers send in `Origin`). */
export function normalizeOrigin(origin: string): string {
  if (origin === '*') return origin;
  try {
    return new URL(origin).origin;
  } catch {
    return origin.toLowerCase();
  }
}
