package dev.gemgate.domain.fakes;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.Deflater;

/**
 * Tiny real media files built in memory, for tests of sniffing and token estimates: images written by the JDK's own
 * encoders (PNG, JPEG), and for the other formats the smallest headers their specifications allow, with the fields
 * the gateway reads (sizes, durations, pages) set as asked.
 */
public final class MediaSamples {
    private MediaSamples() {
    }

    public static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** A real PNG written by ImageIO. */
    public static byte[] png(int width, int height) {
        return image("png", width, height, BufferedImage.TYPE_INT_RGB);
    }

    /** A real baseline JPEG written by ImageIO (JFIF APP0, quantisation and Huffman tables before the frame). */
    public static byte[] jpeg(int width, int height) {
        return image("jpg", width, height, BufferedImage.TYPE_INT_RGB);
    }

    public static byte[] gif(int width, int height) {
        return image("gif", width, height, BufferedImage.TYPE_BYTE_INDEXED);
    }

    private static byte[] image(String format, int width, int height, int type) {
        try {
            BufferedImage image = new BufferedImage(width, height, type);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JPEG with an EXIF-sized APP1 segment before its frame header, so a reader must skip by segment length. */
    public static byte[] jpegWithLargeApp1(int width, int height) {
        byte[] jpeg = jpeg(width, height);
        byte[] app1 = new byte[4 + 30_000];
        app1[0] = (byte) 0xFF;
        app1[1] = (byte) 0xE1;
        app1[2] = (byte) ((app1.length - 2) >> 8);
        app1[3] = (byte) (app1.length - 2);
        app1[100] = (byte) 0xFF; // a thumbnail's marker bytes inside the segment must not be read as markers
        app1[101] = (byte) 0xC0;
        return concat(slice(jpeg, 0, 2), app1, slice(jpeg, 2, jpeg.length));
    }

    /** A lossless WebP (VP8L) header of the given size. */
    public static byte[] webpLossless(int width, int height) {
        ByteBuffer vp8l = le(5);
        vp8l.put((byte) 0x2F);
        vp8l.putInt((width - 1) | ((height - 1) << 14));
        return riff("WEBP", chunk("VP8L", vp8l.array()));
    }

    /** An extended WebP (VP8X) header: canvas size in 24-bit fields. */
    public static byte[] webpExtended(int width, int height) {
        ByteBuffer vp8x = le(10);
        vp8x.put((byte) 0).put(new byte[3]);
        vp8x.put(u24le(width - 1)).put(u24le(height - 1));
        return riff("WEBP", chunk("VP8X", vp8x.array()));
    }

    /** A lossy WebP (VP8) key frame header. */
    public static byte[] webpLossy(int width, int height) {
        ByteBuffer vp8 = le(10);
        vp8.put(new byte[]{0x10, 0x02, 0x00}); // frame tag: key frame
        vp8.put(new byte[]{(byte) 0x9D, 0x01, 0x2A});
        vp8.putShort((short) width).putShort((short) height);
        return riff("WEBP", chunk("VP8 ", vp8.array()));
    }

    /** HEIF with the given major and compatible brands and one {@code ispe} property per size given. */
    public static byte[] heif(String majorBrand, String compatible, long[]... sizes) {
        byte[] ftyp = box("ftyp", concat(ascii(majorBrand), new byte[4], ascii(compatible)));
        ByteArrayOutputStream properties = new ByteArrayOutputStream();
        for (long[] size : sizes) {
            properties.writeBytes(box("ispe", be(12).putInt(0).putInt((int) size[0]).putInt((int) size[1]).array()));
        }
        byte[] hdlr = box("hdlr", concat(new byte[8], ascii("pict"), new byte[13]));
        byte[] iprp = box("iprp", box("ipco", properties.toByteArray()));
        byte[] meta = box("meta", concat(new byte[4], hdlr, iprp));
        return concat(ftyp, meta, box("mdat", new byte[64]));
    }

    public static byte[] heic(long width, long height) {
        return heif("heic", "mif1heic", new long[]{width, height});
    }

    public static byte[] avif() {
        return heif("avif", "mif1miaf", new long[]{64, 64});
    }

    /** A PDF with {@code pages} plain page objects, a page tree and a cross-reference table. */
    public static byte[] pdf(int pages) {
        StringBuilder kids = new StringBuilder();
        StringBuilder objects = new StringBuilder();
        for (int i = 0; i < pages; i++) {
            kids.append(3 + i).append(" 0 R ");
            objects.append(3 + i).append(" 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n");
        }
        String text = "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                + "2 0 obj\n<< /Type /Pages /Kids [" + kids + "] /Count " + pages + " >>\nendobj\n" + objects
                + "trailer\n<< /Root 1 0 R /Size " + (3 + pages) + " >>\n%%EOF\n";
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A PDF 1.5 whose page dictionaries sit in a Flate-compressed object stream, as modern writers store them; only
     * the catalog is plain text.
     */
    public static byte[] pdfWithObjectStream(int pages) {
        StringBuilder offsets = new StringBuilder();
        StringBuilder body = new StringBuilder();
        StringBuilder kids = new StringBuilder();
        for (int i = 0; i < pages; i++) {
            kids.append(4 + i).append(" 0 R ");
        }
        String pagesDict = "<</Type/Pages/Kids[" + kids + "]/Count " + pages + ">>";
        offsets.append("2 0 ");
        body.append(pagesDict);
        for (int i = 0; i < pages; i++) {
            offsets.append(4 + i).append(' ').append(body.length() + 0).append(' ');
            body.append("<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>");
        }
        byte[] plain = (offsets + body.toString()).getBytes(StandardCharsets.ISO_8859_1);
        byte[] compressed = deflate(plain);
        byte[] head = ("%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n3 0 obj\n<< /Type /ObjStm /N "
                + (pages + 1) + " /First " + offsets.length() + " /Filter /FlateDecode /Length " + compressed.length
                + " >>\nstream\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = "\nendstream\nendobj\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1);
        return concat(head, compressed, tail);
    }

    /** PCM WAV: a RIFF header, a fmt chunk, an odd-sized LIST chunk to skip, and {@code seconds} of silence. */
    public static byte[] wav(double seconds, int sampleRate, int channels, int bitsPerSample) {
        int blockAlign = channels * bitsPerSample / 8;
        int dataBytes = (int) Math.round(seconds * sampleRate) * blockAlign;
        ByteBuffer fmt = le(16).putShort((short) 1).putShort((short) channels).putInt(sampleRate)
                .putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort((short) bitsPerSample);
        return riff("WAVE", concat(chunk("fmt ", fmt.array()), chunk("LIST", new byte[5]),
                chunk("data", new byte[dataBytes])));
    }

    /** An ISO base media file: ftyp, then either moov before mdat (fast start) or mdat first. */
    public static byte[] isoMedia(String majorBrand, double seconds, boolean moovFirst, int mdatBytes) {
        byte[] ftyp = box("ftyp", concat(ascii(majorBrand), new byte[4], ascii(majorBrand), ascii("isom")));
        int timescale = 600;
        ByteBuffer mvhd = be(100).put((byte) 0).put(new byte[3]).putInt(0).putInt(0).putInt(timescale)
                .putInt((int) Math.round(seconds * timescale));
        byte[] moov = box("moov", concat(box("mvhd", mvhd.array()), box("trak", new byte[32])));
        byte[] mdat = box("mdat", new byte[mdatBytes]);
        return moovFirst ? concat(ftyp, moov, mdat) : concat(ftyp, mdat, moov);
    }

    public static byte[] mp4(double seconds) {
        return isoMedia("isom", seconds, true, 256);
    }

    /** Constant-bit-rate MPEG-1 layer III: an ID3v2 tag, then 128 kbit/s 44.1 kHz frames filling the time given. */
    public static byte[] mp3(double seconds) {
        byte[] id3 = concat(ascii("ID3"), new byte[]{4, 0, 0, 0, 0, 0, 20}, new byte[20]);
        int frameBytes = 144 * 128_000 / 44_100; // 417
        int frames = (int) Math.round(seconds * 44_100 / 1152);
        byte[] audio = new byte[frames * frameBytes];
        for (int f = 0; f < frames; f++) {
            audio[f * frameBytes] = (byte) 0xFF;
            audio[f * frameBytes + 1] = (byte) 0xFB;
            audio[f * frameBytes + 2] = (byte) 0x90;
            audio[f * frameBytes + 3] = (byte) 0x64;
        }
        return concat(id3, audio);
    }

    /** FLAC: the signature and a STREAMINFO block with the sample count for {@code seconds}. */
    public static byte[] flac(double seconds, int sampleRate) {
        long samples = Math.round(seconds * sampleRate);
        ByteBuffer info = be(34).putShort((short) 4096).putShort((short) 4096).put(new byte[6]);
        info.putLong(((long) sampleRate << 44) | (1L << 41) | (15L << 36) | samples);
        info.put(new byte[16]);
        return concat(ascii("fLaC"), new byte[]{(byte) 0x80, 0, 0, 34}, info.array(), new byte[64]);
    }

    /** Ogg Vorbis: an identification page and a last page whose granule position is the sample count. */
    public static byte[] oggVorbis(double seconds, int sampleRate) {
        ByteBuffer id = le(30).put((byte) 1).put(ascii("vorbis")).putInt(0).put((byte) 2).putInt(sampleRate)
                .putInt(0).putInt(128_000).putInt(0).put((byte) 0xB8).put((byte) 1);
        byte[] first = oggPage(0, 2, id.array());
        byte[] last = oggPage(Math.round(seconds * sampleRate), 4, new byte[100]);
        return concat(first, new byte[2000], last);
    }

    private static byte[] oggPage(long granule, int type, byte[] packet) {
        ByteBuffer h = le(27 + 1).put(ascii("OggS")).put((byte) 0).put((byte) type).putLong(granule).putInt(1)
                .putInt(0).putInt(0).put((byte) 1).put((byte) packet.length);
        return concat(h.array(), packet);
    }

    /** AIFF: FORM/AIFF with a COMM chunk (80-bit sample rate) and a sound data chunk. */
    public static byte[] aiff(double seconds, int sampleRate) {
        long frames = Math.round(seconds * sampleRate);
        ByteBuffer comm = be(18).putShort((short) 1).putInt((int) frames).putShort((short) 16);
        int exponent = 63 - Long.numberOfLeadingZeros(sampleRate);
        comm.putShort((short) (16383 + exponent)).putLong((long) sampleRate << (63 - exponent));
        byte[] chunks = concat(chunkBe("COMM", comm.array()), chunkBe("SSND", new byte[8 + 64]));
        return concat(ascii("FORM"), be(4).putInt(4 + chunks.length).array(), ascii("AIFF"), chunks);
    }

    /** ADTS AAC: frames of {@code frameBytes} at 44.1 kHz (1,024 samples each). */
    public static byte[] adts(int frames, int frameBytes) {
        byte[] out = new byte[frames * frameBytes];
        for (int f = 0; f < frames; f++) {
            int at = f * frameBytes;
            out[at] = (byte) 0xFF;
            out[at + 1] = (byte) 0xF1;
            out[at + 2] = (byte) 0x50; // AAC LC, 44.1 kHz (index 4)
            out[at + 3] = (byte) (0x80 | ((frameBytes >> 11) & 0x3));
            out[at + 4] = (byte) (frameBytes >> 3);
            out[at + 5] = (byte) (((frameBytes & 0x7) << 5) | 0x1F);
            out[at + 6] = (byte) 0xFC;
        }
        return out;
    }

    /** AVI: RIFF/AVI with hdrl/avih declaring {@code frames} at {@code fps}. */
    public static byte[] avi(int frames, int fps) {
        ByteBuffer avih = le(56).putInt(1_000_000 / fps).putInt(0).putInt(0).putInt(0).putInt(frames);
        byte[] hdrl = concat(ascii("hdrl"), chunk("avih", avih.array()));
        return riff("AVI ", concat(chunk("LIST", hdrl), chunk("JUNK", new byte[32])));
    }

    /** WebM: an EBML header and a Segment whose Info holds TimecodeScale and a float Duration. */
    public static byte[] webm(double seconds) {
        byte[] ebml = element(0x1A45DFA3, element(0x4282, ascii("webm")));
        ByteBuffer duration = be(8).putDouble(seconds * 1000);
        byte[] info = element(0x1549A966, concat(element(0x2AD7B1, new byte[]{0x0F, 0x42, 0x40}),
                element(0x4489, duration.array())));
        byte[] seekHead = element(0x114D9B74, new byte[12]);
        byte[] segment = element(0x18538067, concat(seekHead, info, element(0x1F43B675, new byte[16])));
        return concat(ebml, segment);
    }

    public static byte[] mpegProgramStream() {
        return concat(new byte[]{0, 0, 1, (byte) 0xBA, 0x44}, new byte[200]);
    }

    public static byte[] mpegTransportStream() {
        byte[] out = new byte[188 * 3];
        for (int i = 0; i < 3; i++) {
            out[i * 188] = 0x47;
        }
        return out;
    }

    public static byte[] flv() {
        return concat(new byte[]{'F', 'L', 'V', 1, 5, 0, 0, 0, 9}, new byte[32]);
    }

    public static byte[] asf() {
        return concat(new byte[]{0x30, 0x26, (byte) 0xB2, 0x75, (byte) 0x8E, 0x66, (byte) 0xCF, 0x11,
                (byte) 0xA6, (byte) 0xD9, 0x00, (byte) 0xAA, 0x00, 0x62, (byte) 0xCE, 0x6C}, new byte[48]);
    }

    // ---------------------------------------------------------------- building blocks

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer be(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.BIG_ENDIAN);
    }

    private static byte[] u24le(int v) {
        return new byte[]{(byte) v, (byte) (v >> 8), (byte) (v >> 16)};
    }

    private static byte[] riff(String form, byte[] chunks) {
        return concat(ascii("RIFF"), le(4).putInt(4 + chunks.length).array(), ascii(form), chunks);
    }

    private static byte[] chunk(String id, byte[] data) {
        byte[] pad = data.length % 2 == 1 ? new byte[1] : new byte[0];
        return concat(ascii(id), le(4).putInt(data.length).array(), data, pad);
    }

    private static byte[] chunkBe(String id, byte[] data) {
        byte[] pad = data.length % 2 == 1 ? new byte[1] : new byte[0];
        return concat(ascii(id), be(4).putInt(data.length).array(), data, pad);
    }

    public static byte[] box(String type, byte[] body) {
        return concat(be(4).putInt(8 + body.length).array(), ascii(type), body);
    }

    private static byte[] element(long id, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int idBytes = (64 - Long.numberOfLeadingZeros(id) + 7) / 8;
        for (int i = idBytes - 1; i >= 0; i--) {
            out.write((int) (id >> (8 * i)));
        }
        long size = body.length;
        out.write(0x01); // an 8-byte size: the length marker in the first byte, then 7 bytes of size
        for (int i = 6; i >= 0; i--) {
            out.write((int) (size >> (8 * i)));
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] plain) {
        Deflater deflater = new Deflater();
        deflater.setInput(plain);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        return out.toByteArray();
    }
}
