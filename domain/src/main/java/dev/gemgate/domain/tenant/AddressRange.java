package dev.gemgate.domain.tenant;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A CIDR block, IPv4 ({@code 10.0.0.0/8}) or IPv6 ({@code 2001:db8::/32}); a bare address is a block of one. Parsed
 * without any name lookup: only literals are accepted, so a scope can never make the gateway resolve a host name.
 * Host bits must be zero ({@code 10.0.0.1/8} is refused, it is probably a typo for {@code 10.0.0.0/8} or
 * {@code 10.0.0.1/32}). An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) counts as its IPv4 address.
 */
public record AddressRange(byte[] network, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    public AddressRange {
        if (network == null || (network.length != 4 && network.length != 16)) {
            throw new IllegalArgumentException("a network is 4 (IPv4) or 16 (IPv6) bytes");
        }
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("a prefix length is 0 to " + network.length * 8);
        }
        network = network.clone();
        byte[] masked = mask(network, prefixLength);
        if (!Arrays.equals(masked, network)) {
            throw new IllegalArgumentException("host bits are set in " + format(network, prefixLength) + " (did you mean "
                    + format(masked, prefixLength) + "?)");
        }
    }

    /** Parses {@code address[/prefix]}; throws {@link IllegalArgumentException} naming what is wrong. */
    public static AddressRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("an address range is required");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String address = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = literal(address).orElseThrow(() ->
                new IllegalArgumentException("'" + s + "' is not an IPv4 or IPv6 address or CIDR block"));
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = s.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("'" + s + "' has a prefix length outside 0 to " + bits);
            }
            prefix = Integer.parseInt(p);
        }
        return new AddressRange(bytes, prefix);
    }

    /**
     * The bytes of an IP literal (4 or 16), or empty if {@code text} is not one. Never resolves a name: a text that is
     * neither a dotted quad nor made of IPv6 literal characters with a colon is refused before the JDK sees it.
     */
    public static Optional<byte[]> literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return Optional.empty();
        }
        if (IPV4.matcher(text).matches()) {
            String[] parts = text.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(parts[i]);
                if (octet > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) octet;
            }
            return Optional.of(bytes);
        }
        if (text.indexOf(':') < 0 || !IPV6.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            // With a colon and only literal characters, the JDK parses an IPv6 literal and never looks a name up.
            InetAddress parsed = InetAddress.getByName(text);
            return Optional.of(parsed.getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Whether the literal address {@code text} lies in this block (false for anything that is not a literal). */
    public boolean contains(String text) {
        return literal(text).map(this::contains).orElse(false);
    }

    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(address, prefixLength), network);
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
        }
        return out;
    }

    private static String format(byte[] address, int prefix) {
        try {
            // getByAddress with a raw address never looks a name up, and without a scope id prints none
            return InetAddress.getByAddress(address).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRange r && r.prefixLength == prefixLength && Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /** Canonical text: {@code 10.0.0.0/8}, {@code 2001:db8:0:0:0:0:0:0/32} (the JDK's IPv6 spelling). */
    @Override
    public String toString() {
        return format(network, prefixLength);
    }
}
