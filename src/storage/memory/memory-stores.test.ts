import { describeAwsKeyPairStoreConformance } from '../aws-key-pair-store.conformance.js';
import { describeKeyStoreConformance } from '../key-store.conformance.js';
import { describeUsageStoreConformance } from '../usage-store.conformance.js';
import { MemoryAwsKeyPairStore } from './memory-aws-key-pair-store.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { MemoryUsageStore } from './memory-usage-store.js';

describeKeyStoreConformance('MemoryKeyStore', async () => ({ store: new MemoryKeyStore() }));
describeUsageStoreConformance('MemoryUsageStore', async () => ({ store: new MemoryUsageStore() }));
describeAwsKeyPairStoreConformance('MemoryAwsKeyPairStore', async () => {
  const keys = new MemoryKeyStore();
  return { keys, pairs: new MemoryAwsKeyPairStore(keys) };
});
