export const hybridPolicies = ['default', 'always_local', 'always_remote'] as const;
export type HybridPolicy = (typeof hybridPolicies)[number];
