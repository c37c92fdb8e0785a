package dev.gemgate.domain.generation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * Recognises a format by its signature in the first bytes (at most {@link #HEAD} bytes are decoded; a PDF header may
 * sit anywhere in the first 1,024 bytes, as PDF readers allow, and an ID3 tag in front of MP3, AAC or FLAC data is
 * skipped by its declared length). Signatures: PNG {@code 89 'PNG' 0D 0A 1A 0A}; JPEG {@code FF D8 FF}; RIFF
 * containers by their form type ({@code WEBP}, {@code WAVE}, {@code AVI }); {@code FORM}/{@code AIFF|AIFC}; ISO base
 * media by the {@code ftyp} brands (HEIF brands, AVIF, QuickTime, 3GPP, M4A, else MP4) or, for old QuickTime files,
 * a leading movie atom; {@code OggS}; {@code fLaC}; MPEG audio frame sync (layer III = MP3, layer 0 = ADTS AAC);
 * {@code ADIF}; MPEG-PS {@code 00 00 01 BA}, MPEG video {@code 00 00 01 B3}, MPEG-TS sync bytes every 188 bytes;
 * EBML {@code 1A 45 DF A3}; the ASF header GUID; {@code FLV 01}; {@code %PDF-}. GIF, BMP, TIFF and ZIP are
 * recognised only to name them in refusals.
 */
public final class MediaSniffer {
    /** Bytes decoded to recognise a format (an ftyp box with its compatible brands fits). */
    static final int HEAD = 64;
    private static final int PDF_HEADER_WINDOW = 1024;

    private static final Set<String> HEIC_BRANDS = Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "hevm",
            "hevs");
    private static final Set<String> HEIF_BRANDS = Set.of("mif1", "msf1", "mif2", "miaf");
    private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");
    private static final Set<String> QUICKTIME_ATOMS = Set.of("moov", "mdat", "wide", "free", "skip", "pnot");
    private static final byte[] ASF_HEADER = {0x30, 0x26, (byte) 0xB2, 0x75, (byte) 0x8E, 0x66, (byte) 0xCF, 0x11,
            (byte) 0xA6, (byte) 0xD9, 0x00, (byte) 0xAA, 0x00, 0x62, (byte) 0xCE, 0x6C};

    private MediaSniffer() {
    }

    static SniffedFormat sniff(Base64Bytes data) {
        byte[] head = data.read(0, HEAD);
        SniffedFormat format = sniffHead(head);
        if (format != SniffedFormat.UNKNOWN) {
            return format;
        }
        if (startsWith(head, 0, "ID3")) {
            long tag = id3Length(head);
            if (tag > 0) {
                SniffedFormat behind = sniffHead(data.read(tag, HEAD));
                if (behind == SniffedFormat.MP3 || behind == SniffedFormat.AAC || behind == SniffedFormat.FLAC) {
                    return behind;
                }
            }
            return SniffedFormat.MP3; // an ID3 tag before frames that are not recognisable: MP3 files carry ID3
        }
        if (head.length > 0 && head[0] == 0x47) {
            byte[] packets = data.read(0, 188 * 2 + 1);
            if (packets.length == 377 && packets[188] == 0x47 && packets[376] == 0x47) {
                return SniffedFormat.MPEG; // a transport stream: a sync byte every 188 bytes
            }
        }
        if (indexOf(data.read(0, PDF_HEADER_WINDOW), "%PDF-", 0) >= 0) {
            return SniffedFormat.PDF;
        }
        return SniffedFormat.UNKNOWN;
    }

    /** The whole ID3v2 tag: its 10-byte header, the syncsafe size, and a footer when flagged. */
    static long id3Length(byte[] head) {
        if (head.length < 10) {
            return -1;
        }
        long size = 0;
        for (int i = 6; i < 10; i++) {
            if ((head[i] & 0x80) != 0) {
                return -1;
            }
            size = (size << 7) | (head[i] & 0x7F);
        }
        return 10 + size + ((head[5] & 0x10) != 0 ? 10 : 0);
    }

    private static SniffedFormat sniffHead(byte[] h) {
        if (matches(h, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return SniffedFormat.PNG;
        }
        if (matches(h, 0, 0xFF, 0xD8, 0xFF)) {
            return SniffedFormat.JPEG;
        }
        if (startsWith(h, 0, "RIFF")) {
            if (startsWith(h, 8, "WEBP")) {
                return SniffedFormat.WEBP;
            }
            if (startsWith(h, 8, "WAVE")) {
                return SniffedFormat.WAV;
            }
            if (startsWith(h, 8, "AVI ")) {
                return SniffedFormat.AVI;
            }
        }
        if (startsWith(h, 0, "FORM") && (startsWith(h, 8, "AIFF") || startsWith(h, 8, "AIFC"))) {
            return SniffedFormat.AIFF;
        }
        if (startsWith(h, 4, "ftyp")) {
            return isoBrand(h);
        }
        if (h.length >= 8 && QUICKTIME_ATOMS.contains(ascii(h, 4, 4))) {
            return SniffedFormat.MOV;
        }
        if (startsWith(h, 0, "OggS")) {
            return SniffedFormat.OGG;
        }
        if (startsWith(h, 0, "fLaC")) {
            return SniffedFormat.FLAC;
        }
        if (startsWith(h, 0, "ADIF")) {
            return SniffedFormat.AAC;
        }
        if (h.length >= 2 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xE0) == 0xE0) {
            int version = (h[1] >> 3) & 0x3;
            int layer = (h[1] >> 1) & 0x3;
            if (layer == 0 && (h[1] & 0xF6) == 0xF0) {
                return SniffedFormat.AAC; // ADTS: sync 0xFFF, layer 00
            }
            if (layer != 0 && version != 1) {
                return SniffedFormat.MP3;
            }
        }
        if (matches(h, 0, 0x00, 0x00, 0x01, 0xBA) || matches(h, 0, 0x00, 0x00, 0x01, 0xB3)) {
            return SniffedFormat.MPEG;
        }
        if (matches(h, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            return SniffedFormat.WEBM;
        }
        if (h.length >= ASF_HEADER.length && Arrays.equals(h, 0, ASF_HEADER.length, ASF_HEADER, 0,
                ASF_HEADER.length)) {
            return SniffedFormat.ASF;
        }
        if (matches(h, 0, 'F', 'L', 'V', 0x01)) {
            return SniffedFormat.FLV;
        }
        if (startsWith(h, 0, "%PDF-")) {
            return SniffedFormat.PDF;
        }
        if (startsWith(h, 0, "GIF87a") || startsWith(h, 0, "GIF89a")) {
            return SniffedFormat.GIF;
        }
        if (matches(h, 0, 'I', 'I', 0x2A, 0x00) || matches(h, 0, 'M', 'M', 0x00, 0x2A)) {
            return SniffedFormat.TIFF;
        }
        if (matches(h, 0, 'P', 'K', 0x03, 0x04)) {
            return SniffedFormat.ZIP;
        }
        if (startsWith(h, 0, "BM") && h.length >= 26) {
            return SniffedFormat.BMP;
        }
        return SniffedFormat.UNKNOWN;
    }

    private static SniffedFormat isoBrand(byte[] h) {
        long boxSize = Math.min(h.length, ((h[0] & 0xFFL) << 24) | ((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8)
                | (h[3] & 0xFF));
        String major = ascii(h, 8, 4);
        StringBuilder brands = new StringBuilder(major);
        for (int at = 16; at + 4 <= boxSize; at += 4) {
            brands.append(',').append(ascii(h, at, 4));
        }
        // the major brand decides when it says enough; compatible brands decide for generic major brands (mif1)
        SniffedFormat byMajor = brandFormat(major);
        if (byMajor != null && byMajor != SniffedFormat.HEIF) {
            return byMajor;
        }
        for (String brand : brands.toString().split(",")) {
            SniffedFormat f = brandFormat(brand);
            if (f == SniffedFormat.AVIF || f == SniffedFormat.HEIC) {
                return f;
            }
        }
        return byMajor != null ? byMajor : SniffedFormat.MP4;
    }

    private static SniffedFormat brandFormat(String brand) {
        if (HEIC_BRANDS.contains(brand)) {
            return SniffedFormat.HEIC;
        }
        if (AVIF_BRANDS.contains(brand)) {
            return SniffedFormat.AVIF;
        }
        if (HEIF_BRANDS.contains(brand)) {
            return SniffedFormat.HEIF;
        }
        if (brand.equals("qt  ")) {
            return SniffedFormat.MOV;
        }
        if (brand.startsWith("3gp") || brand.startsWith("3g2")) {
            return SniffedFormat.THREE_GPP;
        }
        if (brand.equals("M4A ") || brand.equals("M4B ")) {
            return SniffedFormat.M4A;
        }
        return null;
    }

    static boolean matches(byte[] h, int at, int... expected) {
        if (h.length < at + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((h[at + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    static boolean startsWith(byte[] h, int at, String ascii) {
        if (h.length < at + ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (h[at + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static String ascii(byte[] h, int at, int length) {
        if (h.length < at + length) {
            return "";
        }
        return new String(h, at, length, StandardCharsets.ISO_8859_1);
    }

    static int indexOf(byte[] haystack, String needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length(); i++) {
            for (int j = 0; j < needle.length(); j++) {
                if (haystack[i + j] != (byte) needle.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
