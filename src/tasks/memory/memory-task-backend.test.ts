import { runTaskBackendConformance } from '../task-backend.case.test.ts';
import { createMemoryTaskBackend } from './create-memory-task-backend.ts';

runTaskBackendConformance({ name: 'memory', create: createMemoryTaskBackend });
