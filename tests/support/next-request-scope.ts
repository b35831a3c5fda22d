/**
 * Stand-in for Next's request scope (`next/headers`) so server actions can be
 * called directly in tests with a chosen cookie and client address. Everything
 * behind it (session decoding, database, audit) is the real code.
 */
export const scope = {
  cookie: "" as string,
  headers: { host: "localhost:3000", "user-agent": "vitest", "x-forwarded-for": "203.0.113.9" } as Record<string, string>,
};

function parseCookies(header: string) {
  return header
    .split(";")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const i = part.indexOf("=");
      return { name: part.slice(0, i), value: part.slice(i + 1) };
    });
}

export const nextHeadersMock = {
  cookies: async () => {
    const all = parseCookies(scope.cookie);
    return { get: (name: string) => all.find((c) => c.name === name), getAll: () => all, has: (name: string) => all.some((c) => c.name === name) };
  },
  headers: async () => new Headers({ ...scope.headers, ...(scope.cookie ? { cookie: scope.cookie } : {}) }),
};
