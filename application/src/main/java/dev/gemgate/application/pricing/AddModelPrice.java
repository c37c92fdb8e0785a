package dev.gemgate.application.pricing;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PriceBook;
import dev.gemgate.domain.pricing.PricingCatalog;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Adds a model's price from an effective date on. History is never rewritten: the date must not be in the past (a
 * call already made keeps the price it was made at), and a model and date that already have a price are a conflict,
 * not an update. The catalog serves the new price on this instance at once (other replicas within their refresh).
 * Audited as MODEL_PRICE_ADDED with the price it supersedes from that date as "before".
 */
public final class AddModelPrice {
    public record Command(ModelPrice price, AdminActor actor) {
        public Command {
            if (price == null || actor == null) {
                throw new InvalidRequestException("a price and an admin actor are required");
            }
        }
    }

    private final PriceBook book;
    private final PricingCatalog catalog;
    private final AdminAudit audit;
    private final Clock clock;

    public AddModelPrice(PriceBook book, PricingCatalog catalog, AdminAudit audit, Clock clock) {
        this.book = book;
        this.catalog = catalog;
        this.audit = audit;
        this.clock = clock;
    }

    public ModelPrice execute(Command command) {
        ModelPrice price = command.price();
        Instant now = clock.instant();
        if (price.effectiveFrom().isBefore(now)) {
            throw InvalidRequestException.forField("effectiveFrom", "must not be in the past (it is " + now
                    + "): a price already in force is never changed, add a price from now or later");
        }
        Optional<ModelPrice> superseded = catalog.priceAt(price.model(), price.effectiveFrom());
        book.add(price);
        audit.priceAdded(command.actor(), superseded, price, "price of " + price.model().value() + " from "
                + price.effectiveFrom() + " added");
        return price;
    }
}
