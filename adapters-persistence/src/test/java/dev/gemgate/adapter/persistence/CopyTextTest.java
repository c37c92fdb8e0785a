package dev.gemgate.adapter.persistence;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CopyTextTest {
    @Test
    void fieldsAreTabSeparatedAndRowsEndWithANewline() {
        UUID id = UUID.fromString("01890a5d-ac96-774b-bcce-b302099a8057");
        CopyText rows = new CopyText(0)
                .field(id).field(Instant.parse("2040-01-01T00:00:00.123456Z")).field(42L).field("plain").endRow()
                .field("second").field(-1L).endRow();

        assertThat(rows.toString()).isEqualTo(
                id + "\t2040-01-01T00:00:00.123456Z\t42\tplain\nsecond\t-1\n");
    }

    @Test
    void nullIsBackslashNAndAnEmptyStringStaysEmpty() {
        CopyText rows = new CopyText(0).field((String) null).field(Optional.empty()).field("").field((UUID) null)
                .field((Instant) null).endRow();

        assertThat(rows.toString()).isEqualTo("\\N\t\\N\t\t\\N\t\\N\n");
    }

    @Test
    void backslashNewlineCarriageReturnAndTabAreEscapedSoNoValueEndsTheData() {
        CopyText rows = new CopyText(0).field("a\tb\nc\rd\\e").field("\\.").field("\\N").endRow();

        assertThat(rows.toString()).isEqualTo("a\\tb\\nc\\rd\\\\e\t\\\\.\t\\\\N\n");
    }

    @Test
    void escapesAtTheEdgesAndSideBySideKeepThePlainRunsBetweenThem() {
        CopyText rows = new CopyText(0).field("\tstart").field("end\\").field("\n\r\t").field("a😀\tb😀")
                .endRow();

        assertThat(rows.toString()).isEqualTo("\\tstart\tend\\\\\t\\n\\r\\t\ta😀\\tb😀\n");
    }

    @Test
    void anOptionalIsItsValueAndTheStreamIsUtf8() throws IOException {
        CopyText rows = new CopyText(0).field(Optional.of("zoë ✓")).field(Optional.of(7)).endRow();

        assertThat(new String(rows.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("zoë ✓\t7\n");
    }
}
