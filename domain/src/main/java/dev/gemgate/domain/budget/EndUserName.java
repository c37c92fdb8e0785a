package dev.gemgate.domain.budget;

import java.util.Optional;

/**
 * The one rule for an end user's name, wherever one is given: the tenant's {@code x-gemgate-user} header on a request
 * and an end-user budget on the admin API. Surrounding white space is not part of the name; a blank name is no end
 * user; a name is at most {@link #MAX_LENGTH} characters and holds no control character (it keys budget accounts,
 * ledger rows and audit rows, and is shown in logs and the portal).
 */
public final class EndUserName {
    public static final int MAX_LENGTH = 128;

    private EndUserName() {
    }

    /**
     * The end user {@code raw} names: stripped, empty when null or blank.
     *
     * @throws IllegalArgumentException if the name is longer than {@link #MAX_LENGTH} or holds a control character
     *                                  (the message says so and never repeats the name)
     */
    public static Optional<String> parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String name = raw.strip();
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("must be at most " + MAX_LENGTH + " characters");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("must not contain control characters");
        }
        return Optional.of(name);
    }
}
