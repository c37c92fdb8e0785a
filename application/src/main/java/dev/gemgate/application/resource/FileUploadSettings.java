package dev.gemgate.application.resource;

import java.time.Duration;

/**
 * How uploads are forwarded: {@code pieceBytes}, the most of a chunk's bytes held in memory and sent upstream in one
 * request (a multiple of 256 KiB, Google's chunk granularity; the SDKs send 8 MiB chunks, so one piece per chunk),
 * and {@code sessionTtl}, how long an upload URL Gemgate handed out may be used.
 */
public record FileUploadSettings(int pieceBytes, Duration sessionTtl) {
    public static final int GRANULARITY = 256 * 1024;
    public static final FileUploadSettings DEFAULT = new FileUploadSettings(8 * 1024 * 1024, Duration.ofDays(1));

    public FileUploadSettings {
        if (pieceBytes < GRANULARITY || pieceBytes % GRANULARITY != 0 || pieceBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("the upload piece size is a multiple of 256 KiB from 256 KiB to 64 MiB");
        }
        if (sessionTtl == null || !sessionTtl.isPositive()) {
            throw new IllegalArgumentException("the upload session lifetime must be positive");
        }
    }
}
