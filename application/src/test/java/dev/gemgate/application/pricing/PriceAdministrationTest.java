package dev.gemgate.application.pricing;

import dev.gemgate.application.admin.AdminActor;
import dev.gemgate.application.admin.AdminAudit;
import dev.gemgate.domain.audit.AuditEvent;
import dev.gemgate.domain.audit.AuditEventType;
import dev.gemgate.domain.common.ConflictException;
import dev.gemgate.domain.common.InvalidRequestException;
import dev.gemgate.domain.fakes.InMemoryAuditLog;
import dev.gemgate.domain.fakes.InMemoryPricingCatalog;
import dev.gemgate.domain.fakes.MutableClock;
import dev.gemgate.domain.fakes.SequentialIdGenerator;
import dev.gemgate.domain.generation.ModelId;
import dev.gemgate.domain.pricing.ModelPrice;
import dev.gemgate.domain.pricing.PriceBook;
import dev.gemgate.domain.pricing.TokenRate;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PriceAdministrationTest {
    private static final ModelId ARGON = ModelId.parse("gemini-4-argon");
    private static final AdminActor ALICE = new AdminActor("alice-sub", "Alice", "10.0.0.1");

    private final MutableClock clock = MutableClock.at("2026-11-30T12:00:00Z");
    private final InMemoryAuditLog audit = new InMemoryAuditLog();
    private final InMemoryPricingCatalog catalog = new InMemoryPricingCatalog();
    /** The price book over the same in-memory catalog: adds rows, refuses a duplicate model and date. */
    private final PriceBook book = new PriceBook() {
        private final List<ModelPrice> rows = new ArrayList<>();

        @Override
        public List<ModelPrice> history() {
            return rows.stream().sorted(Comparator.comparing((ModelPrice p) -> p.model().value())
                    .thenComparing(ModelPrice::effectiveFrom)).toList();
        }

        @Override
        public void add(ModelPrice price) {
            if (rows.stream().anyMatch(p -> p.model().equals(price.model())
                    && p.effectiveFrom().equals(price.effectiveFrom()))) {
                throw new ConflictException("duplicate");
            }
            rows.add(price);
            catalog.add(price);
        }
    };
    private final AddModelPrice add = new AddModelPrice(book, catalog,
            new AdminAudit(audit, new SequentialIdGenerator(), clock), clock);
    private final ListPrices list = new ListPrices(book, clock);

    private static ModelPrice argon(String from, String input, String output) {
        return new ModelPrice(ARGON, Instant.parse(from), TokenRate.dollarsPerMillion(input),
                TokenRate.dollarsPerMillion(output), TokenRate.dollarsPerMillion("0.10"), Optional.empty());
    }

    @Test
    void aFuturePriceIsAddedAuditedWithThePriceItSupersedesAndListedAsScheduled() {
        book.add(argon("2025-01-01T00:00:00Z", "2.00", "10.00"));

        add.execute(new AddModelPrice.Command(argon("2026-12-01T00:00:00Z", "4.00", "20.00"), ALICE));

        assertThat(catalog.priceAt(ARGON, Instant.parse("2026-12-01T00:00:00Z")).orElseThrow().input())
                .isEqualTo(TokenRate.dollarsPerMillion("4.00"));
        List<PriceEntry> entries = list.execute();
        assertThat(entries).extracting(PriceEntry::state)
                .containsExactly(PriceEntry.State.IN_FORCE, PriceEntry.State.SCHEDULED);
        assertThat(entries.get(0).effectiveUntil()).contains(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(entries.get(1).effectiveUntil()).isEmpty();
        clock.set(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(list.execute()).extracting(PriceEntry::state)
                .containsExactly(PriceEntry.State.PAST, PriceEntry.State.IN_FORCE);

        AuditEvent event = audit.all().stream().filter(e -> e.type() == AuditEventType.MODEL_PRICE_ADDED)
                .findFirst().orElseThrow();
        assertThat(event.actor()).isEqualTo("alice-sub");
        assertThat(event.admin().orElseThrow().target()).isEqualTo("model-price:gemini-4-argon@2026-12-01T00:00:00Z");
        assertThat(event.admin().orElseThrow().before().orElseThrow()).contains("\"input\":\"2\"");
        assertThat(event.admin().orElseThrow().after().orElseThrow()).contains("\"input\":\"4\"", "\"output\":\"20\"");
    }

    @Test
    void aPriceFromThePastIsRefusedAndNothingIsAddedOrAudited() {
        assertThatThrownBy(() -> add.execute(new AddModelPrice.Command(
                argon("2026-11-30T11:59:59Z", "9.00", "9.00"), ALICE)))
                .isInstanceOfSatisfying(InvalidRequestException.class,
                        e -> assertThat(e.field()).contains("effectiveFrom"));
        assertThat(book.history()).isEmpty();
        assertThat(audit.all()).isEmpty();
    }

    @Test
    void aSecondPriceForTheSameModelAndDateIsAConflictNotAnUpdate() {
        add.execute(new AddModelPrice.Command(argon("2026-12-01T00:00:00Z", "4.00", "20.00"), ALICE));
        assertThatThrownBy(() -> add.execute(new AddModelPrice.Command(
                argon("2026-12-01T00:00:00Z", "5.00", "25.00"), ALICE))).isInstanceOf(ConflictException.class);
        assertThat(book.history()).singleElement().extracting(ModelPrice::input)
                .isEqualTo(TokenRate.dollarsPerMillion("4.00"));
        assertThat(audit.all()).hasSize(1);
    }
}
