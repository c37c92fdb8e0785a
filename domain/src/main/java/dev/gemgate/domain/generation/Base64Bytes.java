package dev.gemgate.domain.generation;

import java.util.Arrays;
import java.util.Base64;

/**
 * The bytes behind a base64 text, read at any offset without decoding the rest: every 4 characters hold 3 bytes, so
 * bytes {@code [offset, offset + n)} need only the characters of the groups that hold them. Sniffing a 20 MB image
 * this way decodes a few dozen bytes.
 *
 * <p>Both alphabets are read (standard {@code +/} and URL-safe {@code -_}, with or without padding), as Google reads
 * JSON {@code bytes} fields. The text is assumed to have passed {@link GenerationRequest}'s syntax check; a character
 * outside both alphabets still fails here with {@link IllegalArgumentException} rather than decoding to garbage.
 */
final class Base64Bytes {
    private static final byte[] VALUES = new byte[128];
    /** Reads of at least this many bytes use the JDK's decoder. */
    private static final int BULK = 4096;

    static {
        Arrays.fill(VALUES, (byte) -1);
        String standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < standard.length(); i++) {
            VALUES[standard.charAt(i)] = (byte) i;
        }
        VALUES['-'] = 62;
        VALUES['_'] = 63;
    }

    private final CharSequence text;
    private final int significant;
    private final long size;

    Base64Bytes(CharSequence text) {
        this.text = text;
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '=') {
            end--;
        }
        this.significant = end;
        this.size = decodedSize(text);
    }

    /** Decoded length of a base64 text, padded or not, computed from its length alone. */
    static long decodedSize(CharSequence base64) {
        int len = base64.length();
        while (len > 0 && base64.charAt(len - 1) == '=') {
            len--;
        }
        long whole = (long) len / 4 * 3;
        return switch (len % 4) {
            case 2 -> whole + 1;
            case 3 -> whole + 2;
            default -> whole;
        };
    }

    long size() {
        return size;
    }

    /** Up to {@code length} bytes from {@code offset}: fewer near the end, none from the end on. */
    byte[] read(long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length");
        }
        if (offset >= size || length == 0) {
            return new byte[0];
        }
        long end = Math.min(size, offset + length);
        byte[] out = new byte[(int) (end - offset)];
        long group = offset / 3;
        int skip = (int) (offset % 3);
        if (out.length >= BULK && text instanceof String string) {
            return bulk(string, group, skip, out);
        }
        int written = 0;
        while (written < out.length) {
            int chars = (int) Math.min(4, significant - group * 4);
            int bits = 0;
            for (int i = 0; i < 4; i++) {
                bits <<= 6;
                if (i < chars) {
                    bits |= value(text.charAt((int) (group * 4 + i)));
                }
            }
            for (int i = skip; i < 3 && written < out.length; i++) {
                out[written++] = (byte) (bits >>> (16 - 8 * i));
            }
            skip = 0;
            group++;
        }
        return out;
    }

    /**
     * Large reads (a PDF's page count, a text document's check) go through the JDK's decoder, an order of magnitude
     * faster than the loop above: the characters of the groups that hold the bytes, as Latin-1 bytes (every base64
     * character is ASCII), decoded with the alphabet they are written in.
     */
    private byte[] bulk(String string, long group, int skip, byte[] out) {
        int from = (int) (group * 4);
        int to = (int) Math.min(significant, from + ((long) skip + out.length + 2) / 3 * 4);
        byte[] chars = new byte[to - from];
        for (int i = 0; i < chars.length; i++) {
            char c = string.charAt(from + i);
            if (c >= 128) {
                throw new IllegalArgumentException("not a base64 character");
            }
            chars[i] = (byte) c;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(chars);
        } catch (IllegalArgumentException notStandard) {
            decoded = Base64.getUrlDecoder().decode(chars);
        }
        System.arraycopy(decoded, skip, out, 0, out.length);
        return out;
    }

    private static int value(char c) {
        int v = c < 128 ? VALUES[c] : -1;
        if (v < 0) {
            throw new IllegalArgumentException("not a base64 character");
        }
        return v;
    }
}
