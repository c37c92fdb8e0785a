package dev.gemgate.domain.generation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Counts a PDF's pages by its page objects ({@code /Type /Page}, not {@code /Pages}), in the file and inside every
 * Flate-compressed object stream ({@code /Type /ObjStm}, where PDF 1.5+ writers put page dictionaries). Old page
 * objects that an incremental update replaced are counted too: the count can only be high, which is the side a
 * reservation must err on.
 *
 * <p>Unknown (empty) when the file is larger than {@link #MAX_SCAN_BYTES}, when an object stream uses another filter
 * or does not inflate (encrypted files), when inflating would pass {@link #MAX_INFLATED_BYTES} (a decompression bomb),
 * or when no page object is found; the estimator then uses its bound. A file written to hide its page objects (no
 * {@code /Type} entry, names spelled with {@code #xx} escapes) is undercounted; its real usage is still what is billed.
 *
 * <p>Cost: the whole file is decoded once (inline PDFs are bounded by the configured PDF limit, 50 MB by default).
 */
final class PdfPages {
    static final long MAX_SCAN_BYTES = 64L * 1024 * 1024;
    static final long MAX_INFLATED_BYTES = 64L * 1024 * 1024;
    private static final byte[] TYPE = bytes("/Type");
    private static final byte[] PAGE = bytes("/Page");
    private static final byte[] OBJSTM = bytes("/ObjStm");
    private static final byte[] OBJ = bytes("obj");
    private static final byte[] STREAM = bytes("stream");

    private PdfPages() {
    }

    static OptionalLong count(Base64Bytes data) {
        if (data.size() > MAX_SCAN_BYTES) {
            return OptionalLong.empty();
        }
        byte[] pdf = data.read(0, (int) data.size());
        long pages = countPageObjects(pdf, 0, pdf.length);
        long[] inflated = {0};
        for (int at = indexOf(pdf, OBJSTM, 0, pdf.length); at >= 0; at = indexOf(pdf, OBJSTM, at + 1, pdf.length)) {
            long inStream = objectStream(pdf, at, inflated);
            if (inStream < 0) {
                return OptionalLong.empty();
            }
            pages += inStream;
        }
        return pages > 0 ? OptionalLong.of(pages) : OptionalLong.empty();
    }

    /** Pages in the object stream whose dictionary holds {@code /ObjStm} at {@code at}; -1 when it cannot be read. */
    private static long objectStream(byte[] pdf, int at, long[] inflated) {
        int dictStart = lastIndexOf(pdf, OBJ, at);
        int streamKeyword = indexOf(pdf, STREAM, at, pdf.length);
        if (dictStart < 0 || streamKeyword < 0) {
            return -1;
        }
        String dict = new String(pdf, dictStart, streamKeyword - dictStart, StandardCharsets.ISO_8859_1);
        if (!dict.contains("/Filter")) {
            return 0; // not compressed: its objects were seen by the plain scan
        }
        String otherFilters = dict.replace("/FlateDecode", "").replace("/DecodeParms", "");
        if (!dict.contains("/FlateDecode") || otherFilters.contains("Decode") || otherFilters.contains("/Crypt")) {
            return -1; // another filter (LZW, ASCII85, crypt, ...) in the chain
        }
        int data = streamKeyword + STREAM.length;
        if (data < pdf.length && pdf[data] == '\r') {
            data++;
        }
        if (data < pdf.length && pdf[data] == '\n') {
            data++;
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(pdf, data, pdf.length - data);
            ByteArrayOutputStream objects = new ByteArrayOutputStream();
            byte[] piece = new byte[64 * 1024];
            while (!inflater.finished()) {
                int n = inflater.inflate(piece);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return -1; // truncated
                }
                inflated[0] += n;
                if (inflated[0] > MAX_INFLATED_BYTES) {
                    return -1;
                }
                objects.write(piece, 0, n);
            }
            byte[] plain = objects.toByteArray();
            return countPageObjects(plain, 0, plain.length);
        } catch (DataFormatException corrupt) {
            return -1;
        } finally {
            inflater.end();
        }
    }

    /** Occurrences of {@code /Type} then {@code /Page} (whitespace or comments between) not followed by a name char. */
    static long countPageObjects(byte[] b, int from, int to) {
        long count = 0;
        for (int at = indexOf(b, TYPE, from, to); at >= 0; at = indexOf(b, TYPE, at + TYPE.length, to)) {
            int next = skipWhitespace(b, at + TYPE.length, to);
            if (next + PAGE.length <= to && regionMatches(b, next, PAGE)) {
                int after = next + PAGE.length;
                if (after >= to || isDelimiter(b[after])) {
                    count++;
                }
            }
        }
        return count;
    }

    private static int skipWhitespace(byte[] b, int at, int to) {
        while (at < to && (b[at] == ' ' || b[at] == '\n' || b[at] == '\r' || b[at] == '\t' || b[at] == '\f'
                || b[at] == 0)) {
            at++;
        }
        return at;
    }

    private static boolean isDelimiter(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0 || c == '/' || c == '>'
                || c == '<' || c == '[' || c == ']' || c == '(' || c == ')' || c == '%' || c == '{' || c == '}';
    }

    private static boolean regionMatches(byte[] b, int at, byte[] needle) {
        for (int i = 0; i < needle.length; i++) {
            if (b[at + i] != needle[i]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] b, byte[] needle, int from, int to) {
        for (int i = Math.max(0, from); i <= to - needle.length; i++) {
            if (b[i] == needle[0] && regionMatches(b, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] b, byte[] needle, int before) {
        for (int i = Math.min(before, b.length) - needle.length; i >= 0; i--) {
            if (b[i] == needle[0] && regionMatches(b, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.ISO_8859_1);
    }
}
