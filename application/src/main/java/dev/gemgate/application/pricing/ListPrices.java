package dev.gemgate.application.pricing;

import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PriceBook;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The whole price catalog with its effective dates: past, in force and scheduled prices, by model then date. */
public final class ListPrices {
    private final PriceBook book;
    private final Clock clock;

    public ListPrices(PriceBook book, Clock clock) {
        this.book = book;
        this.clock = clock;
    }

    public List<PriceEntry> execute() {
        Instant now = clock.instant();
        List<ModelPrice> rows = book.history();
        List<PriceEntry> result = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            ModelPrice price = rows.get(i);
            Optional<Instant> until = i + 1 < rows.size() && rows.get(i + 1).model().equals(price.model())
                    ? Optional.of(rows.get(i + 1).effectiveFrom()) : Optional.empty();
            PriceEntry.State state = price.effectiveFrom().isAfter(now) ? PriceEntry.State.SCHEDULED
                    : until.isPresent() && !until.get().isAfter(now) ? PriceEntry.State.PAST
                    : PriceEntry.State.IN_FORCE;
            result.add(new PriceEntry(price, until, state));
        }
        return List.copyOf(result);
    }
}
