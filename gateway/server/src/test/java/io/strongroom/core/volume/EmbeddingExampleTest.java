package io.strongroom.core.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.embed.BlockingStrongroom;
import io.strongroom.core.embed.BlockingVolume;
import io.strongroom.core.embed.StrongroomOptions;
import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.keys.KeyAccessRule;
import io.strongroom.core.keys.KeyVaultsConfig;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.vault.KeyVaultClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the example of gateway/core/README.md ("Embedding") against a real local-vault, and checks that the README
 * still shows this code: every line of its example appears here, in the same order.
 */
class EmbeddingExampleTest {
    private static final Path README = Path.of("..", "core", "README.md");
    private static final Path THIS_SOURCE =
            Path.of("src", "test", "java", "io", "strongroom", "core", "volume", "EmbeddingExampleTest.java");

    @TempDir
    Path tmp;

    VolumeTestKit kit;

    @BeforeEach
    void startVault() {
        kit = VolumeTestKit.start(tmp.resolve("kit")); // the shared local-vault, its service-kek created
    }

    @AfterEach
    void stopVault() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void theExampleRoundTripsABlock() throws Exception {
        String vaultUrl = kit.vault.vaultUrl();
        String vaultCertificatePem = kit.vault.certificatePem();
        String vaultToken = VolumeTestKit.GATEWAY_TOKEN;
        Path dataDir = tmp.resolve("strongroom");
        byte[] written;
        byte[] readBack;
        StrongroomOptions options = new StrongroomOptions()
                .setStorage(new StorageOptions().setDataDir(dataDir.resolve("volumes"))) // backend "local"
                .setKeyVaults(new KeyVaultsConfig()
                        .addVault(new KeyVaultClientOptions()
                                .setVaultUrl(vaultUrl)
                                .setTrustPem(vaultCertificatePem))
                        .addIdentity(KeyVaultsConfig.DEFAULT_IDENTITY, new IdentityConfig.StaticToken(vaultToken)))
                .setKeyAccess(new KeyAccessRule.Settings(
                        Duration.ofMinutes(10), Duration.ofMinutes(1), List.of(), dataDir.resolve("activity.log")))
                .setVolumes(new VolumeServiceOptions().setServiceKekId(vaultUrl + "/keys/service-kek"));

        try (BlockingStrongroom strongroom = BlockingStrongroom.start(options)) {
            strongroom.createVolume(new VolumeSpec("db1", 1024 * 8192L)); // 1024 blocks of 8 KiB
            BlockingVolume db1 = strongroom.volume("db1");
            byte[] block = new byte[db1.blockSize()];
            Arrays.fill(block, (byte) 42);
            db1.write(7, block, true); // force unit access: durable once write returns
            byte[] back = db1.read(7, 1);
            System.out.println(Arrays.equals(block, back) ? "same bytes" : "different bytes!");
            written = block;
            readBack = back;
        }

        assertEquals(8192, written.length);
        assertArrayEquals(written, readBack);
        assertTrue(Files.isDirectory(dataDir.resolve("volumes")), "the volumes live under the data directory");
    }

    @Test
    void theReadmeShowsTheCodeThisTestRuns() throws Exception {
        List<String> example = readmeExample();
        assertFalse(example.isEmpty(), "the README has a java example");
        List<String> source =
                Files.readAllLines(THIS_SOURCE).stream().map(String::strip).toList();
        int at = 0;
        for (String line : example) {
            int found = indexFrom(source, line, at);
            assertTrue(found >= 0, () -> "README line not in this test (or out of order): " + line);
            at = found + 1;
        }
    }

    /** The non-blank lines of the first ```java block of the README, stripped. */
    private static List<String> readmeExample() throws Exception {
        List<String> lines = new ArrayList<>();
        boolean inside = false;
        for (String line : Files.readAllLines(README)) {
            if (!inside && line.strip().equals("```java")) {
                inside = true;
            } else if (inside && line.strip().equals("```")) {
                break;
            } else if (inside && !line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    private static int indexFrom(List<String> lines, String wanted, int from) {
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).equals(wanted)) {
                return i;
            }
        }
        return -1;
    }
}
