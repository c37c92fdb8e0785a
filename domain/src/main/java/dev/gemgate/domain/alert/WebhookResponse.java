package dev.gemgate.domain.alert;

/** How a receiver answered one POST: with an HTTP status, or not at all (connection failure, timeout). */
public sealed interface WebhookResponse {
    /** The receiver answered with {@code statusCode}. */
    record Answered(int statusCode) implements WebhookResponse {
        public Answered {
            if (statusCode < 100 || statusCode > 599) {
                throw new IllegalArgumentException("an HTTP status is from 100 to 599: " + statusCode);
            }
        }

        public boolean isSuccess() {
            return statusCode >= 200 && statusCode < 300;
        }
    }

    /** No answer: {@code reason} says why (e.g. "connection failed", "timed out after PT10S"), never the URL. */
    record Unreachable(String reason) implements WebhookResponse {
        public Unreachable {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("a reason is required");
            }
        }
    }
}
