package dev.gemgate.domain.generation;

/** An image's width and height in pixels, as its header declares them. */
public record ImageSize(long width, long height) {
    public ImageSize {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("an image has at least one pixel each way");
        }
    }
}
