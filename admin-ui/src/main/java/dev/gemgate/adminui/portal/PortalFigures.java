package dev.gemgate.adminui.portal;

import dev.gemgate.domain.common.Money;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * How the portal writes amounts and counts: US dollars to the cent from one dollar up, and to three significant
 * digits below (at most the ledger's six decimals), so that a request costing $0.000042 does not read as $0.00;
 * counts with thousands separators.
 */
public final class PortalFigures {
    private static final BigDecimal ONE_DOLLAR = BigDecimal.ONE;

    private PortalFigures() {
    }

    public static String usd(Money money) {
        BigDecimal dollars = money.toDollars();
        if (dollars.signum() == 0) {
            return "$0.00";
        }
        if (dollars.compareTo(ONE_DOLLAR) >= 0) {
            return "$" + String.format(Locale.ROOT, "%,.2f", dollars);
        }
        BigDecimal rounded = dollars.round(new MathContext(3, RoundingMode.HALF_UP));
        int scale = Math.min(6, Math.max(2, rounded.scale()));
        return "$" + rounded.setScale(scale, RoundingMode.HALF_UP).toPlainString();
    }

    /** Dollars as a plain decimal with every micro-dollar, for a form field or a chart's data. */
    public static String plainDollars(Money money) {
        return money.toDollars().stripTrailingZeros().toPlainString();
    }

    public static String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }
}
