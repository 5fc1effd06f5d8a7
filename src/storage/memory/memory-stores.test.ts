import { describeAwsKeyPairStoreConformance } from '../aws-key-pair-store.conformance.js';
import { describeKeyStoreConformance } from '../key-store.conformance.js';
import { describeTeamStoreConformance } from '../team-store.conformance.js';
import { describeUsageStoreConformance } from '../usage-store.conformance.js';
import { describeUserStoreConformance } from '../user-store.conformance.js';
import { MemoryAwsKeyPairStore } from './memory-aws-key-pair-store.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { MemoryTeamStore } from './memory-team-store.js';
import { MemoryUsageStore } from './memory-usage-store.js';
import { MemoryUserStore } from './memory-user-store.js';

describeKeyStoreConformance('MemoryKeyStore', async () => ({ store: new MemoryKeyStore() }));
describeTeamStoreConformance('MemoryTeamStore', async () => ({ store: new MemoryTeamStore() }));
describeUserStoreConformance('MemoryUserStore', async () => {
  const teams = new MemoryTeamStore();
  return { teams, users: new MemoryUserStore(teams) };
});
describeUsageStoreConformance('MemoryUsageStore', async () => ({ store: new MemoryUsageStore() }));
describeAwsKeyPairStoreConformance('MemoryAwsKeyPairStore', async () => {
  const keys = new MemoryKeyStore();
  return { keys, pairs: new MemoryAwsKeyPairStore(keys) };
});
