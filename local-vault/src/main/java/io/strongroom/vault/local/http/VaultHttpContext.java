package io.strongroom.vault.local.http;

import io.strongroom.vault.local.audit.AuditLog;
import io.strongroom.vault.local.faults.FaultInjector;
import io.strongroom.vault.local.identity.TokenRegistry;
import io.strongroom.vault.local.keys.KeyRegistry;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the data-plane handler needs from the running vault. {@code vaultUrl} is a supplier because
 * the default vault URL contains the port, known only once the server listens; {@code faults} is
 * null when fault injection is off.
 */
public record VaultHttpContext(
        KeyRegistry registry,
        TokenRegistry tokens,
        FaultInjector faults,
        AuditLog audit,
        Clock clock,
        String region,
        String tenantId,
        boolean allowRsa15,
        Supplier<String> vaultUrl) {

    Supplier<Bundles> bundles() {
        return () -> new Bundles(vaultUrl.get(), registry.recoveryLevel(), registry.recoverableDays());
    }
}
