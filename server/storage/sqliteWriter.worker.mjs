// Entry point of the SQLite writer thread. A worker thread does not inherit vitest's module
// transform, and `node --import tsx` registers tsx only where that flag is passed, so the
// TypeScript body is loaded through tsx's scoped import: the same file then works under
// `npm start`, `npm run dev`, the CLI, the benchmark and vitest alike.
import { tsImport } from 'tsx/esm/api';

await tsImport('./sqliteWriter.ts', import.meta.url);
