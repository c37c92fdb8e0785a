package dev.gemgate.adapter.web.gemini;

/** A Gemini method this gateway does not serve yet: 501 UNIMPLEMENTED, never a silent 404 or a 500. */
final class UnimplementedException extends RuntimeException {
    UnimplementedException(String method) {
        super("The method " + method + " is not supported by this gateway yet.", null, false, false);
    }
}
