/**
 * Keys as the gateway sees them: which vaults and identities it may use ({@link KeyVaults}, {@link KeyVaultsConfig},
 * {@link IdentityConfig}), the access state of each KEK ({@link KeyAccess}), wrapping and unwrapping of DEKs
 * ({@link DekWrapping}) and the DEKs held in memory ({@link DekCache}).
 *
 * <p>Where the key lifecycle (10-minute rule, probes, rotation, activity log, alerts) plugs in:
 * <ul>
 *   <li>Every vault outcome for a KEK already flows through {@code KeyAccess.recordSuccess/recordFailure}, and every
 *       state change through its one {@code transition} method: the clock-driven DEGRADED → INACCESSIBLE step
 *       (DEGRADED since + grace period ≤ now, from the injected {@link java.time.Clock}), transition listeners
 *       (activity log, alert sinks) and probes add to this class without changing its callers.</li>
 *   <li>Data paths already ask {@code KeyAccess.requireServing} before touching blocks, so INACCESSIBLE answers 503
 *       KeyInaccessible as soon as the state machine can enter it; destroying the DEKs of a KEK is
 *       {@code DekCache.destroy} per DEK id.</li>
 *   <li>Rotation re-wraps DEKs held in the cache with {@code DekWrapping.wrap} under the new KEK; revalidation is an
 *       unwrap through {@code DekWrapping.unwrap} (single flight per DEK), which records its outcome.</li>
 * </ul>
 */
package io.strongroom.core.keys;
