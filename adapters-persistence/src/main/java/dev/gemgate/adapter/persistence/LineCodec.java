package dev.gemgate.adapter.persistence;

/**
 * Turns a spooled item into one line of text and back. {@link #encode} must return a string without line breaks
 * (escape them); {@link #decode} must refuse, with an exception, any line it cannot turn back into exactly the item
 * that was encoded. The framing around the line (checksum, time stamp, newline) is {@link FileSpool}'s.
 */
interface LineCodec<T> {
    String encode(T item);

    T decode(String line);
}
