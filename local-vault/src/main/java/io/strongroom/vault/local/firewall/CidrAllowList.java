package io.strongroom.vault.local.firewall;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The vault's network rule: client addresses allowed by CIDR (IPv4 or IPv6). An empty list allows
 * every address. Only numeric addresses are accepted, so parsing never triggers a DNS lookup.
 */
public final class CidrAllowList {
    private record Block(byte[] network, int prefixBits) {}

    private final List<Block> blocks;

    private CidrAllowList(List<Block> blocks) {
        this.blocks = blocks;
    }

    public static CidrAllowList parse(List<String> cidrs) {
        List<Block> blocks = new ArrayList<>();
        for (String cidr : cidrs) {
            String[] parts = cidr.trim().split("/", 2);
            byte[] address = numeric(parts[0]);
            if (address == null) {
                throw new IllegalArgumentException("not a numeric CIDR: " + cidr);
            }
            int bits = address.length * 8;
            if (parts.length == 2) {
                try {
                    bits = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad prefix length in CIDR: " + cidr);
                }
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in CIDR: " + cidr);
                }
            }
            blocks.add(new Block(address, bits));
        }
        return new CidrAllowList(List.copyOf(blocks));
    }

    public boolean allowsAll() {
        return blocks.isEmpty();
    }

    public boolean allows(String clientAddress) {
        if (blocks.isEmpty()) {
            return true;
        }
        byte[] address = numeric(clientAddress);
        if (address == null) {
            return false;
        }
        for (Block b : blocks) {
            if (b.network().length == address.length && samePrefix(b.network(), address, b.prefixBits())) {
                return true;
            }
        }
        return false;
    }

    private static boolean samePrefix(byte[] a, byte[] b, int bits) {
        int full = bits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (b[full] & mask);
    }

    /** Bytes of a numeric IPv4/IPv6 literal, or null for anything else (host names included). */
    private static byte[] numeric(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String s = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        boolean v4 = s.chars().allMatch(c -> Character.isDigit(c) || c == '.');
        boolean v6 =
                s.indexOf(':') >= 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
