package io.strongroom.crypto;

import java.util.HexFormat;

/** Test helper: hex without spaces, as the published vectors print them. */
final class Hex {
    private Hex() {}

    static byte[] of(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static String of(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
