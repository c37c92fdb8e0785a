package dev.gemgate.adapter.web.openai;

/**
 * A request the OpenAI-compatible surface refuses before it becomes a domain request (an unknown parameter, a value of
 * the wrong type, a remote image URL not allowed), with OpenAI's own {@code param} and {@code code}: answered as is by
 * {@link OpenAiRequestExceptionMapper}.
 */
public final class OpenAiRequestException extends RuntimeException {
    private final transient OpenAiError error;

    public OpenAiRequestException(OpenAiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    /** 400 naming {@code param}, with code {@code invalid_value} (or {@code code}). */
    public static OpenAiRequestException invalid(String param, String message) {
        return new OpenAiRequestException(OpenAiError.invalidParam(param, message, "invalid_value"));
    }

    public static OpenAiRequestException invalid(String param, String message, String code) {
        return new OpenAiRequestException(OpenAiError.invalidParam(param, message, code));
    }

    public OpenAiError error() {
        return error;
    }
}
