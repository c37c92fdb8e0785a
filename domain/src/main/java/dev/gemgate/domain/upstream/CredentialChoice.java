package dev.gemgate.domain.upstream;

/** Which credential an upstream attempt uses ({@link UpstreamKeyVault#choose}). */
public sealed interface CredentialChoice {
    record Use(UpstreamCredential credential) implements CredentialChoice {
    }

    /** No credential can take the call; {@code reason} says why, for the caller's error. */
    record None(String reason) implements CredentialChoice {
    }
}
