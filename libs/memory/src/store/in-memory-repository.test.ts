import { InMemoryMemoryRepository } from './in-memory-repository.js';
import { memoryRepositoryContract } from '../testing/repository-contract.js';

memoryRepositoryContract('in memory', async () => ({ repository: new InMemoryMemoryRepository(), createTenant: async () => {} }));
