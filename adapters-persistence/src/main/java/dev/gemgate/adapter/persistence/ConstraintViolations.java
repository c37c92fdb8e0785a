package dev.gemgate.adapter.persistence;

import org.hibernate.exception.ConstraintViolationException;
import org.postgresql.util.PSQLException;

import java.util.Locale;

/** Recognises a violated database constraint by its name (as declared in the migrations), never by message text. */
final class ConstraintViolations {
    private ConstraintViolations() {
    }

    static boolean isViolationOf(Throwable failure, String constraintName) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConstraintViolationException violation && violation.getConstraintName() != null
                    && violation.getConstraintName().toLowerCase(Locale.ROOT).equals(constraintName)) {
                return true;
            }
            if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null
                    && constraintName.equals(psql.getServerErrorMessage().getConstraint())) {
                return true;
            }
        }
        return false;
    }
}
