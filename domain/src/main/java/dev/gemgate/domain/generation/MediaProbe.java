package dev.gemgate.domain.generation;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Reads what a token estimate needs from a file's headers, decoding only those headers: an image's size, an audio or
 * video file's duration. Every reader is bounded (a fixed number of boxes, chunks or markers, each a few bytes) and
 * answers empty, never throws, when the header is missing, truncated or absurd; the estimator then falls back to a
 * bound from the byte size.
 *
 * <ul>
 *   <li>PNG: the IHDR chunk. JPEG: the first SOFn marker (APPn segments, EXIF thumbnails included, are skipped by
 *       their length). WebP: the VP8, VP8L or VP8X chunk. HEIC/HEIF: the largest {@code ispe} (image spatial
 *       extents) property under {@code meta/iprp/ipco}.</li>
 *   <li>WAV: data chunk length over the byte rate (the smaller of the declared byte rate and sample rate x block
 *       align, so a header cannot shorten PCM). AIFF: COMM frames over sample rate. FLAC: STREAMINFO total samples.
 *       MP3: the Xing/Info or VBRI frame count, else the first frame's bit rate over the file (constant bit rate).
 *       AAC (ADTS): the mean length of the first frames over the file. Ogg: the last page's granule position (Vorbis
 *       rate, or 48 kHz for Opus minus pre-skip).</li>
 *   <li>MP4/MOV/3GPP/M4A: {@code moov/mvhd} duration over time scale, wherever moov sits. AVI: {@code avih}
 *       frames x frame time. WebM/Matroska: {@code Segment/Info/Duration} x TimecodeScale.</li>
 * </ul>
 * MPEG program/transport streams, FLV and ASF have no cheap duration: empty.
 */
final class MediaProbe {
    private static final int MAX_BOXES = 512;
    private static final int MAX_JPEG_MARKERS = 512;
    private static final int MAX_RIFF_CHUNKS = 256;
    private static final int MAX_ADTS_FRAMES = 32;
    /** An Ogg page is at most 27 + 255 + 255 x 255 bytes: the last page starts within this many bytes of the end. */
    private static final int OGG_TAIL = 65_307 + 4;

    private MediaProbe() {
    }

    // ---------------------------------------------------------------- images

    static Optional<ImageSize> imageSize(Base64Bytes data, SniffedFormat format) {
        try {
            return switch (format) {
                case PNG -> png(data);
                case JPEG -> jpeg(data);
                case WEBP -> webp(data);
                case HEIC, HEIF -> heif(data);
                default -> Optional.empty();
            };
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    private static Optional<ImageSize> png(Base64Bytes data) {
        byte[] h = data.read(12, 12);
        if (!MediaSniffer.startsWith(h, 0, "IHDR")) {
            return Optional.empty();
        }
        return size(u32be(h, 4), u32be(h, 8));
    }

    private static Optional<ImageSize> jpeg(Base64Bytes data) {
        long at = 2;
        for (int i = 0; i < MAX_JPEG_MARKERS; i++) {
            byte[] m = data.read(at, 9);
            if (m.length < 2 || (m[0] & 0xFF) != 0xFF) {
                return Optional.empty();
            }
            int marker = m[1] & 0xFF;
            if (marker == 0xFF) {
                at++; // fill byte
                continue;
            }
            if (marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) {
                at += 2; // markers without a length
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA || m.length < 4) {
                return Optional.empty(); // end of image, or scan data, before any frame header
            }
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
                    && marker != 0xCC;
            if (startOfFrame) {
                return m.length < 9 ? Optional.empty() : size(u16be(m, 7), u16be(m, 5));
            }
            at += 2 + u16be(m, 2);
        }
        return Optional.empty();
    }

    private static Optional<ImageSize> webp(Base64Bytes data) {
        byte[] h = data.read(12, 18);
        if (MediaSniffer.startsWith(h, 0, "VP8 ") && h.length >= 18) {
            return size(u16le(h, 14) & 0x3FFF, u16le(h, 16) & 0x3FFF);
        }
        if (MediaSniffer.startsWith(h, 0, "VP8L") && h.length >= 13 && (h[8] & 0xFF) == 0x2F) {
            long bits = u32le(h, 9);
            return size((bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1);
        }
        if (MediaSniffer.startsWith(h, 0, "VP8X") && h.length >= 18) {
            return size(u24le(h, 12) + 1, u24le(h, 15) + 1);
        }
        return Optional.empty();
    }

    private static Optional<ImageSize> heif(Base64Bytes data) {
        long[] largest = new long[2];
        int[] budget = {MAX_BOXES};
        walkHeif(data, 0, data.size(), 0, largest, budget);
        return size(largest[0], largest[1]);
    }

    /** Collects the largest width and height of every {@code ispe} under meta/iprp/ipco. */
    private static void walkHeif(Base64Bytes data, long from, long to, int depth, long[] largest, int[] budget) {
        long at = from;
        while (at + 8 <= to && budget[0]-- > 0) {
            Box box = Box.at(data, at, to);
            if (box == null) {
                return;
            }
            switch (box.type) {
                case "meta" -> walkHeif(data, box.body + 4, box.end, depth + 1, largest, budget); // a full box
                case "iprp", "ipco" -> walkHeif(data, box.body, box.end, depth + 1, largest, budget);
                case "ispe" -> {
                    byte[] e = data.read(box.body + 4, 8);
                    if (e.length == 8) {
                        largest[0] = Math.max(largest[0], u32be(e, 0));
                        largest[1] = Math.max(largest[1], u32be(e, 4));
                    }
                }
                default -> {
                }
            }
            at = box.end;
        }
    }

    private static Optional<ImageSize> size(long width, long height) {
        return width > 0 && height > 0 ? Optional.of(new ImageSize(width, height)) : Optional.empty();
    }

    // ---------------------------------------------------------------- durations

    /** Seconds of audio or video the header declares, when a cheap header declares it. */
    static OptionalDouble seconds(Base64Bytes data, SniffedFormat format) {
        try {
            double seconds = switch (format) {
                case WAV -> wav(data);
                case AIFF -> aiff(data);
                case FLAC -> flac(data, flacStart(data));
                case MP3 -> mp3(data);
                case AAC -> adts(data);
                case OGG -> ogg(data);
                case MP4, MOV, THREE_GPP, M4A -> mvhd(data);
                case AVI -> avi(data);
                case WEBM -> matroska(data);
                default -> -1;
            };
            return seconds > 0 && Double.isFinite(seconds) ? OptionalDouble.of(seconds) : OptionalDouble.empty();
        } catch (RuntimeException malformed) {
            return OptionalDouble.empty();
        }
    }

    private static double wav(Base64Bytes data) {
        long at = 12;
        long byteRate = 0;
        for (int i = 0; i < MAX_RIFF_CHUNKS && at + 8 <= data.size(); i++) {
            byte[] c = data.read(at, 24);
            String id = MediaSniffer.ascii(c, 0, 4);
            long length = u32le(c, 4);
            if (id.equals("fmt ") && c.length >= 24) {
                long declared = u32le(c, 16);
                long pcm = u32le(c, 12) * u16le(c, 20);
                byteRate = declared > 0 && pcm > 0 ? Math.min(declared, pcm) : Math.max(declared, pcm);
            } else if (id.equals("data")) {
                long available = data.size() - (at + 8);
                long bytes = length == 0 || length == 0xFFFFFFFFL ? available : Math.min(length, available);
                return byteRate > 0 ? (double) bytes / byteRate : -1;
            }
            at += 8 + length + (length & 1);
        }
        return -1;
    }

    private static double aiff(Base64Bytes data) {
        long at = 12;
        for (int i = 0; i < MAX_RIFF_CHUNKS && at + 8 <= data.size(); i++) {
            byte[] c = data.read(at, 26);
            long length = u32be(c, 4);
            if (MediaSniffer.startsWith(c, 0, "COMM") && c.length >= 26) {
                double rate = extended80(c, 16);
                return rate > 0 ? u32be(c, 10) / rate : -1;
            }
            at += 8 + length + (length & 1);
        }
        return -1;
    }

    /** The IEEE 754 80-bit extended number AIFF stores its sample rate in. */
    private static double extended80(byte[] b, int at) {
        int exponent = ((b[at] & 0x7F) << 8) | (b[at + 1] & 0xFF);
        long mantissa = 0;
        for (int i = 0; i < 8; i++) {
            mantissa = (mantissa << 8) | (b[at + 2 + i] & 0xFF);
        }
        double unsigned = (mantissa >>> 1) * 2.0 + (mantissa & 1);
        return unsigned * Math.pow(2, exponent - 16383 - 63);
    }

    private static long flacStart(Base64Bytes data) {
        byte[] head = data.read(0, 10);
        return MediaSniffer.startsWith(head, 0, "ID3") ? MediaSniffer.id3Length(head) : 0;
    }

    private static double flac(Base64Bytes data, long start) {
        byte[] s = data.read(start, 26);
        if (!MediaSniffer.startsWith(s, 0, "fLaC") || s.length < 26 || (s[4] & 0x7F) != 0) {
            return -1; // STREAMINFO is always the first metadata block
        }
        long packed = u32be(s, 18) << 32 | u32be(s, 22);
        long rate = packed >>> 44;
        long samples = packed & 0xFFFFFFFFFL;
        return rate > 0 && samples > 0 ? (double) samples / rate : -1;
    }

    private static final int[][] MP3_BITRATES = {
            {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, // MPEG-1 layer I
            {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},    // MPEG-1 layer II
            {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},     // MPEG-1 layer III
            {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},    // MPEG-2/2.5 layer I
            {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}};        // MPEG-2/2.5 layers II, III
    private static final int[][] MP3_RATES = {{11025, 12000, 8000}, {0, 0, 0}, {22050, 24000, 16000},
            {44100, 48000, 32000}};

    private static double mp3(Base64Bytes data) {
        byte[] head = data.read(0, 10);
        long at = MediaSniffer.startsWith(head, 0, "ID3") ? MediaSniffer.id3Length(head) : 0;
        byte[] f = data.read(at, 4 + 32 + 20);
        if (f.length < 4 || (f[0] & 0xFF) != 0xFF || (f[1] & 0xE0) != 0xE0) {
            return -1;
        }
        int version = (f[1] >> 3) & 3;
        int layer = 4 - ((f[1] >> 1) & 3);
        int bitrateIndex = (f[2] >> 4) & 0xF;
        int rateIndex = (f[2] >> 2) & 3;
        if (version == 1 || layer == 4 || bitrateIndex == 15 || rateIndex == 3) {
            return -1;
        }
        boolean mpeg1 = version == 3;
        int rate = MP3_RATES[version][rateIndex];
        int samplesPerFrame = layer == 1 ? 384 : layer == 2 || mpeg1 ? 1152 : 576;
        boolean mono = ((f[3] >> 6) & 3) == 3;
        int sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        for (int tag : new int[]{4 + sideInfo, 4 + 32}) {
            String id = MediaSniffer.ascii(f, tag, 4);
            if ((id.equals("Xing") || id.equals("Info")) && (u32be(f, tag + 4) & 1) != 0) {
                return (double) u32be(f, tag + 8) * samplesPerFrame / rate;
            }
            if (id.equals("VBRI") && f.length >= tag + 18) {
                return (double) u32be(f, tag + 14) * samplesPerFrame / rate;
            }
        }
        int table = mpeg1 ? layer - 1 : (layer == 1 ? 3 : 4);
        int kbps = MP3_BITRATES[table][bitrateIndex];
        return kbps > 0 ? (data.size() - at) * 8.0 / (kbps * 1000.0) : -1;
    }

    private static final int[] ADTS_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
            11025, 8000, 7350};

    private static double adts(Base64Bytes data) {
        long at = 0;
        long frameBytes = 0;
        int frames = 0;
        int rate = 0;
        for (; frames < MAX_ADTS_FRAMES && at + 7 <= data.size(); frames++) {
            byte[] h = data.read(at, 7);
            if ((h[0] & 0xFF) != 0xFF || (h[1] & 0xF6) != 0xF0) {
                break;
            }
            int rateIndex = (h[2] >> 2) & 0xF;
            rate = rateIndex < ADTS_RATES.length ? ADTS_RATES[rateIndex] : 0;
            int length = ((h[3] & 0x3) << 11) | ((h[4] & 0xFF) << 3) | ((h[5] & 0xFF) >> 5);
            if (length < 7 || rate == 0) {
                return -1;
            }
            frameBytes += length;
            at += length;
        }
        if (frames == 0) {
            return -1;
        }
        double meanFrame = (double) frameBytes / frames;
        return data.size() / meanFrame * 1024 / rate;
    }

    private static double ogg(Base64Bytes data) {
        byte[] first = data.read(0, 27 + 255 + 19);
        if (first.length < 28) {
            return -1;
        }
        int packet = 27 + (first[26] & 0xFF);
        long rate;
        long preSkip = 0;
        if (MediaSniffer.startsWith(first, packet, "\u0001vorbis")) {
            rate = u32le(first, packet + 12);
        } else if (MediaSniffer.startsWith(first, packet, "OpusHead")) {
            rate = 48_000; // Opus granule positions always count 48 kHz samples
            preSkip = u16le(first, packet + 10);
        } else {
            return -1;
        }
        long tailStart = Math.max(0, data.size() - OGG_TAIL);
        byte[] tail = data.read(tailStart, OGG_TAIL);
        int last = -1;
        for (int i = MediaSniffer.indexOf(tail, "OggS", 0); i >= 0; i = MediaSniffer.indexOf(tail, "OggS", i + 1)) {
            last = i;
        }
        if (last < 0 || last + 14 > tail.length || rate <= 0) {
            return -1;
        }
        long granule = u32le(tail, last + 6) | (u32le(tail, last + 10) << 32);
        return granule > preSkip ? (double) (granule - preSkip) / rate : -1;
    }

    private static double mvhd(Base64Bytes data) {
        int[] budget = {MAX_BOXES};
        long at = 0;
        while (at + 8 <= data.size() && budget[0]-- > 0) {
            Box box = Box.at(data, at, data.size());
            if (box == null) {
                return -1;
            }
            if (box.type.equals("moov")) {
                long child = box.body;
                while (child + 8 <= box.end && budget[0]-- > 0) {
                    Box c = Box.at(data, child, box.end);
                    if (c == null) {
                        return -1;
                    }
                    if (c.type.equals("mvhd")) {
                        byte[] m = data.read(c.body, 32);
                        if (m.length < 20) {
                            return -1;
                        }
                        boolean v1 = m[0] == 1;
                        long scale = v1 ? u32be(m, 20) : u32be(m, 12);
                        long duration = v1 ? (m.length < 32 ? -1 : u32be(m, 24) << 32 | u32be(m, 28))
                                : u32be(m, 16);
                        if (duration == 0xFFFFFFFFL || duration < 0) {
                            return -1;
                        }
                        return scale > 0 ? (double) duration / scale : -1;
                    }
                    child = c.end;
                }
                return -1;
            }
            at = box.end;
        }
        return -1;
    }

    private static double avi(Base64Bytes data) {
        byte[] h = data.read(12, 48);
        if (!MediaSniffer.startsWith(h, 0, "LIST") || !MediaSniffer.startsWith(h, 8, "hdrl")
                || !MediaSniffer.startsWith(h, 12, "avih") || h.length < 40) {
            return -1;
        }
        long microsPerFrame = u32le(h, 20);
        long frames = u32le(h, 36);
        return microsPerFrame * (double) frames / 1_000_000;
    }

    private static final long EBML = 0x1A45DFA3L;
    private static final long SEGMENT = 0x18538067L;
    private static final long INFO = 0x1549A966L;
    private static final long CLUSTER = 0x1F43B675L;
    private static final long TIMECODE_SCALE = 0x2AD7B1L;
    private static final long DURATION = 0x4489L;

    private static double matroska(Base64Bytes data) {
        long at = 0;
        for (int i = 0; i < MAX_BOXES && at < data.size(); i++) {
            Element e = Element.at(data, at);
            if (e == null) {
                return -1;
            }
            if (e.id == SEGMENT || e.id == INFO) {
                if (e.id == INFO) {
                    return info(data, e);
                }
                at = e.body; // descend into the segment
                continue;
            }
            if (e.id == CLUSTER || e.size < 0) {
                return -1; // media data before any Info, or an element of unknown size we cannot skip
            }
            at = e.body + e.size;
        }
        return -1;
    }

    private static double info(Base64Bytes data, Element info) {
        long scale = 1_000_000;
        double duration = -1;
        long end = info.size < 0 ? data.size() : info.body + info.size;
        long at = info.body;
        for (int i = 0; i < MAX_BOXES && at < end; i++) {
            Element e = Element.at(data, at);
            if (e == null || e.size < 0) {
                break;
            }
            byte[] v = data.read(e.body, (int) Math.min(8, e.size));
            if (e.id == TIMECODE_SCALE) {
                scale = 0;
                for (byte b : v) {
                    scale = (scale << 8) | (b & 0xFF);
                }
            } else if (e.id == DURATION) {
                duration = v.length == 4 ? Float.intBitsToFloat((int) u32be(v, 0))
                        : v.length == 8 ? Double.longBitsToDouble(u32be(v, 0) << 32 | u32be(v, 4)) : -1;
            }
            at = e.body + e.size;
        }
        return duration > 0 && scale > 0 ? duration * scale / 1e9 : -1;
    }

    /** An EBML element header: a variable-length id and a variable-length size (-1 when unknown). */
    private record Element(long id, long size, long body) {
        static Element at(Base64Bytes data, long at) {
            byte[] h = data.read(at, 12);
            if (h.length < 2) {
                return null;
            }
            int idLength = Long.numberOfLeadingZeros(h[0] & 0xFFL) - 55;
            if (idLength < 1 || idLength > 4 || h.length < idLength + 1) {
                return null;
            }
            long id = 0;
            for (int i = 0; i < idLength; i++) {
                id = (id << 8) | (h[i] & 0xFF);
            }
            int first = h[idLength] & 0xFF;
            int sizeLength = Long.numberOfLeadingZeros(first) - 55;
            if (sizeLength < 1 || sizeLength > 8 || h.length < idLength + sizeLength) {
                return null;
            }
            long size = first & (0xFF >> sizeLength);
            boolean allOnes = size == (0xFF >> sizeLength);
            for (int i = 1; i < sizeLength; i++) {
                int b = h[idLength + i] & 0xFF;
                allOnes &= b == 0xFF;
                size = (size << 8) | b;
            }
            return new Element(id, allOnes ? -1 : size, at + idLength + sizeLength);
        }
    }

    /** An ISO base media box header; null when it does not fit where it is. */
    private record Box(String type, long body, long end) {
        static Box at(Base64Bytes data, long at, long limit) {
            byte[] h = data.read(at, 16);
            if (h.length < 8) {
                return null;
            }
            long size = u32be(h, 0);
            String type = MediaSniffer.ascii(h, 4, 4);
            long header = 8;
            if (size == 1) {
                if (h.length < 16) {
                    return null;
                }
                size = u32be(h, 8) << 32 | u32be(h, 12);
                header = 16;
            } else if (size == 0) {
                size = limit - at;
            }
            if (size < header || at + size > limit || size < 0) {
                return null;
            }
            return new Box(type, at + header, at + size);
        }
    }

    // ---------------------------------------------------------------- numbers

    static long u16be(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static long u16le(byte[] b, int at) {
        return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8);
    }

    static long u24le(byte[] b, int at) {
        return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8) | ((b[at + 2] & 0xFF) << 16);
    }

    static long u32be(byte[] b, int at) {
        return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }

    static long u32le(byte[] b, int at) {
        return (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8) | ((b[at + 2] & 0xFF) << 16) | ((b[at + 3] & 0xFFL) << 24);
    }
}
