// Worker threads do not inherit tsx's loader hooks from the main thread (Node 20), so each worker registers
// them before loading the TypeScript worker body.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
