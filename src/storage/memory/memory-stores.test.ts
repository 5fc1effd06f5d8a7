import { describeKeyStoreConformance } from '../key-store.conformance.js';
import { describeUsageStoreConformance } from '../usage-store.conformance.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { MemoryUsageStore } from './memory-usage-store.js';

describeKeyStoreConformance('MemoryKeyStore', async () => ({ store: new MemoryKeyStore() }));
describeUsageStoreConformance('MemoryUsageStore', async () => ({ store: new MemoryUsageStore() }));
